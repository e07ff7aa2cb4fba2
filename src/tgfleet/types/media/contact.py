"""``Contact``: a shared phone contact."""

from __future__ import annotations

from typing import Any

from tgfleet.types.object import Object, lazy


class Contact(Object):
    """A contact card; ``user_id`` when the number belongs to a Telegram user."""

    FIELDS = ("phone_number", "first_name", "last_name", "user_id", "vcard")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Contact:
        return cls._lazy(client, raw)

    @lazy
    def phone_number(self) -> str:
        return str(self._raw.phone_number)

    @lazy
    def first_name(self) -> str:
        return str(self._raw.first_name)

    @lazy
    def last_name(self) -> str | None:
        return self._raw.last_name or None

    @lazy
    def user_id(self) -> int | None:
        return self._raw.user_id or None

    @lazy
    def vcard(self) -> str | None:
        return self._raw.vcard or None
