"""``User``: a Telegram user or bot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.enums import UserStatus
from tgfleet.tl import types as t
from tgfleet.types.chat_photo import ChatPhoto
from tgfleet.types.convert import to_date
from tgfleet.types.object import List, Object, lazy
from tgfleet.types.text import Link
from tgfleet.types.username import Username

_STATUSES: dict[type, UserStatus] = {
    t.UserStatusOnline: UserStatus.ONLINE,
    t.UserStatusOffline: UserStatus.OFFLINE,
    t.UserStatusRecently: UserStatus.RECENTLY,
    t.UserStatusLastWeek: UserStatus.LAST_WEEK,
    t.UserStatusLastMonth: UserStatus.LAST_MONTH,
}


class User(Object):
    """A user or bot, as the logged-in account sees it (``phone_number`` only for contacts and yourself)."""

    FIELDS = (
        "id",
        "is_self",
        "is_contact",
        "is_mutual_contact",
        "is_deleted",
        "is_bot",
        "is_verified",
        "is_restricted",
        "is_scam",
        "is_fake",
        "is_support",
        "is_premium",
        "is_min",
        "first_name",
        "last_name",
        "status",
        "last_online_date",
        "next_offline_date",
        "username",
        "usernames",
        "language_code",
        "dc_id",
        "phone_number",
        "photo",
    )

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> User | None:
        """The user of a TL ``user`` (None for ``userEmpty`` or nothing)."""
        return cls._lazy(client, raw) if isinstance(raw, t.User) else None

    @lazy
    def id(self) -> int:
        return int(self._raw.id)

    @lazy
    def is_self(self) -> bool:
        return bool(self._raw.is_self)

    @lazy
    def is_contact(self) -> bool:
        return bool(self._raw.contact)

    @lazy
    def is_mutual_contact(self) -> bool:
        return bool(self._raw.mutual_contact)

    @lazy
    def is_deleted(self) -> bool:
        return bool(self._raw.deleted)

    @lazy
    def is_bot(self) -> bool:
        return bool(self._raw.bot)

    @lazy
    def is_verified(self) -> bool:
        return bool(self._raw.verified)

    @lazy
    def is_restricted(self) -> bool:
        return bool(self._raw.restricted)

    @lazy
    def is_scam(self) -> bool:
        return bool(self._raw.scam)

    @lazy
    def is_fake(self) -> bool:
        return bool(self._raw.fake)

    @lazy
    def is_support(self) -> bool:
        return bool(self._raw.support)

    @lazy
    def is_premium(self) -> bool:
        return bool(self._raw.premium)

    @lazy
    def is_min(self) -> bool:
        return bool(self._raw.min)

    @lazy
    def first_name(self) -> str | None:
        return self._raw.first_name  # type: ignore[no-any-return]

    @lazy
    def last_name(self) -> str | None:
        return self._raw.last_name  # type: ignore[no-any-return]

    @lazy
    def status(self) -> UserStatus | None:
        """None for bots; LONG_AGO when the user hides it entirely."""
        if self._raw.bot:
            return None
        return _STATUSES.get(type(self._raw.status), UserStatus.LONG_AGO)

    @lazy
    def last_online_date(self) -> datetime | None:
        status = self._raw.status
        return to_date(status.was_online) if isinstance(status, t.UserStatusOffline) and not self._raw.bot else None

    @lazy
    def next_offline_date(self) -> datetime | None:
        status = self._raw.status
        return to_date(status.expires) if isinstance(status, t.UserStatusOnline) and not self._raw.bot else None

    @lazy
    def username(self) -> str | None:
        raw = self._raw
        name = raw.username or (raw.usernames[0].username if raw.usernames else None)
        return str(name) if name is not None else None

    @lazy
    def usernames(self) -> List[Username] | None:
        return List(Username._parse(u) for u in self._raw.usernames) if self._raw.usernames else None

    @lazy
    def language_code(self) -> str | None:
        return self._raw.lang_code  # type: ignore[no-any-return]

    @lazy
    def dc_id(self) -> int | None:
        return getattr(self._raw.photo, "dc_id", None)

    @lazy
    def phone_number(self) -> str | None:
        return self._raw.phone  # type: ignore[no-any-return]

    @lazy
    def photo(self) -> ChatPhoto | None:
        return ChatPhoto._parse(self._client, self._raw.photo, self._raw.id, self._raw.access_hash)

    @property
    def full_name(self) -> str | None:
        """First and last name joined by a space."""
        return " ".join(p for p in (self.first_name, self.last_name) if p) or None

    @property
    def mention(self) -> Link:
        """A mention of the user in the client's parse mode (HTML by default): ``user.mention("text")``."""
        style = getattr(self._client, "parse_mode", None)
        return Link(f"tg://user?id={self.id}", self.first_name or "Deleted Account", style)
