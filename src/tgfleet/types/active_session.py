"""``ActiveSession``: one logged-in session of the account (``get_active_sessions``), as Pyrogram has it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.types.convert import to_date
from tgfleet.types.object import Object, lazy


class ActiveSession(Object):
    """A session (an ``authorization``): ``id`` is its hash, for ``reset_session`` (0 for the current one)."""

    FIELDS = (
        "id",
        "device_model",
        "platform",
        "system_version",
        "api_id",
        "application_name",
        "application_version",
        "log_in_date",
        "last_active_date",
        "ip_address",
        "location",
        "country",
        "region",
        "can_accept_secret_chats",
        "can_accept_calls",
        "is_current",
        "is_password_pending",
        "is_unconfirmed",
        "is_official_application",
    )

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> ActiveSession:
        return cls._lazy(client, raw)

    @lazy
    def id(self) -> int:
        return int(self._raw.hash)

    @lazy
    def device_model(self) -> str:
        return str(self._raw.device_model)

    @lazy
    def platform(self) -> str:
        return str(self._raw.platform)

    @lazy
    def system_version(self) -> str:
        return str(self._raw.system_version)

    @lazy
    def api_id(self) -> int:
        return int(self._raw.api_id)

    @lazy
    def application_name(self) -> str:
        return str(self._raw.app_name)

    @lazy
    def application_version(self) -> str:
        return str(self._raw.app_version)

    @lazy
    def log_in_date(self) -> datetime | None:
        return to_date(self._raw.date_created)

    @lazy
    def last_active_date(self) -> datetime | None:
        return to_date(self._raw.date_active)

    @lazy
    def ip_address(self) -> str:
        return str(self._raw.ip)

    @lazy
    def location(self) -> str:
        return str(self._raw.country)

    @lazy
    def country(self) -> str:
        return str(self._raw.country)

    @lazy
    def region(self) -> str:
        return str(self._raw.region)

    @lazy
    def can_accept_secret_chats(self) -> bool:
        return not self._raw.encrypted_requests_disabled

    @lazy
    def can_accept_calls(self) -> bool:
        return not self._raw.call_requests_disabled

    @lazy
    def is_current(self) -> bool:
        return bool(self._raw.current)

    @lazy
    def is_password_pending(self) -> bool:
        return bool(self._raw.password_pending)

    @lazy
    def is_unconfirmed(self) -> bool:
        return bool(self._raw.unconfirmed)

    @lazy
    def is_official_application(self) -> bool:
        return bool(self._raw.official_app)

    async def reset(self) -> bool:
        """End this session (``client.reset_session(self.id)``)."""
        return bool(await self._client.reset_session(self.id))
