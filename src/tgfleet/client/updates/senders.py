"""``Senders``: the full users (names and all) the client has seen, so a message from a short update has them.

``updateShortMessage`` and ``updateShortChatMessage`` carry ids only (https://core.telegram.org/api/updates): a
message built from one would have a ``from_user`` without a name. The users of every answer and update are
remembered here (a bounded map, started over past ``MAX_KNOWN``); a message update naming a user seen nowhere
(neither in its batch nor here) is resolved before dispatch by the updates manager, the way Telegram's clients do:
``updates.getDifference`` from just before that update brings the message again, with its users.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tgfleet.tl import types

MAX_KNOWN = 10_000
"""Users remembered at most; past this the map starts over (a few more look-ups, never more memory)."""


def _users_of(obj: Any) -> Iterable[Any]:
    if isinstance(obj, list):
        return obj
    users = list(getattr(obj, "users", None) or ())
    user = getattr(obj, "user", None)
    return [*users, user] if user is not None else users


def named_users(update: Any) -> list[int]:
    """The user ids a message update's message names: its chat, its sender, a forward's origin."""
    message = getattr(update, "message", None)
    if not isinstance(message, types.Message):
        return []
    origin = getattr(message.fwd_from, "from_id", None)
    return [p.user_id for p in (message.peer_id, message.from_id, origin) if isinstance(p, types.PeerUser)]


class Senders:
    """``learn(obj)`` from any answer or update; ``missing(updates, users)`` and ``known(updates, users)``."""

    __slots__ = ("_users",)

    def __init__(self) -> None:
        self._users: dict[int, types.User] = {}

    def learn(self, obj: Any) -> None:
        """Remember the users ``obj`` carries (``users``, ``user``, or a list of users); a ``min`` user never
        replaces a full one."""
        for user in _users_of(obj):
            if not isinstance(user, types.User) or (user.min and user.id in self._users):
                continue
            if len(self._users) >= MAX_KNOWN and user.id not in self._users:
                self._users.clear()
            self._users[user.id] = user

    def missing(self, updates: Iterable[Any], users: Iterable[Any]) -> list[Any]:
        """The updates that name a user neither in ``users`` nor remembered, in order."""
        given = {u.id for u in users}
        return [u for u in updates if any(i not in given and i not in self._users for i in named_users(u))]

    def known(self, updates: Iterable[Any], users: Iterable[Any]) -> list[types.User]:
        """The remembered users the updates name that ``users`` lacks (to hand on with them)."""
        given = {u.id for u in users}
        wanted = dict.fromkeys(i for u in updates for i in named_users(u) if i not in given)
        return [self._users[i] for i in wanted if i in self._users]
