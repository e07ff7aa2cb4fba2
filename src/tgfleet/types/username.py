"""``Username``: one of a user's or chat's usernames."""

from __future__ import annotations

from typing import Any

from tgfleet.types.object import Object, lazy


class Username(Object):
    """A username; ``editable`` for the main one, ``active`` if it is shown."""

    FIELDS = ("username", "editable", "active")

    @classmethod
    def _parse(cls, raw: Any) -> Username:
        return cls._lazy(None, raw)

    @lazy
    def username(self) -> str:
        return str(self._raw.username)

    @lazy
    def editable(self) -> bool:
        return bool(self._raw.editable)

    @lazy
    def active(self) -> bool:
        return bool(self._raw.active)
