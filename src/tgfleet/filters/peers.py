"""``filters.user`` and ``filters.chat``: updates from given users or in given chats, editable as sets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tgfleet.filters.filter import Filter
from tgfleet.filters.updates import chat_of, sender_of

_ME = "me"
_ME_ALIASES = frozenset({"me", "self"})


def _normal(values: int | str | Iterable[int | str] | None) -> Iterable[int | str]:
    """Ids stay ids; usernames lose their ``@`` and case; ``"me"`` / ``"self"`` become ``"me"``."""
    given: list[int | str] = [] if values is None else [values] if isinstance(values, (int, str)) else list(values)
    return (_ME if v in _ME_ALIASES else v.lower().strip("@") if isinstance(v, str) else v for v in given)


class user(Filter, set[int | str]):  # type: ignore[misc]  # Filter's & | ~ compose filters, as in Pyrogram
    """Updates from any of these users (ids, usernames, ``"me"``); add and remove them as in a set."""

    def __init__(self, users: int | str | Iterable[int | str] | None = None) -> None:
        set.__init__(self, _normal(users))

    async def __call__(self, client: Any, update: Any) -> bool:
        sender = sender_of(update)
        if sender is None:
            return False
        if _ME in self and sender.is_self:
            return True
        return sender.id in self or bool(sender.username and sender.username.lower() in self)


class chat(Filter, set[int | str]):  # type: ignore[misc]  # Filter's & | ~ compose filters
    """Updates in any of these chats (ids, usernames, ``"me"`` for Saved Messages); a set."""

    def __init__(self, chats: int | str | Iterable[int | str] | None = None) -> None:
        set.__init__(self, _normal(chats))

    async def __call__(self, client: Any, update: Any) -> bool:
        where = chat_of(update)
        if where is None:
            return False
        if where.id in self or (where.username and where.username.lower() in self):
            return True
        sender = sender_of(update)
        return _ME in self and sender is not None and bool(sender.is_self) and where.id == sender.id
