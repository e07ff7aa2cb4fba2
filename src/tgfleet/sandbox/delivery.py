"""Pushing updates to online sessions: the network side's :class:`~tgfleet.sandbox.contract.Pusher`.

A session subscribes when it makes a call outside ``invokeWithoutUpdates`` on a key the world says is
logged in. ``push`` queues the ``Updates`` in every subscribed session of the user (msg_id ≡ 3 mod 4) and
writes it to the session's connection; a session whose connection is gone keeps up to
``max_queued_pushes`` updates until the client comes back on a new connection (the rest are dropped: the
client recovers them with ``updates.getDifference`` as after any gap). Subscriptions of sessions that were
forgotten or whose key is no longer logged in as that user are dropped lazily.

Sessions of keys not logged in are *watched* instead (the latest session per key, at most :data:`MAX_WATCHED`
keys, the least recently seen forgotten first): ``push_key`` reaches them (``updateLoginToken`` for a QR login).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.keys import SessionState
from tgfleet.tl import TLObject

log = logging.getLogger("tgfleet.sandbox")

MAX_WATCHED = 10_000


class Subscriptions:
    """Per user, the sessions that get that user's updates."""

    def __init__(self, world: WorldAPI, now: Callable[[], float], *, max_queued_pushes: int) -> None:
        self._world = world
        self._now = now
        self._max_queued = max_queued_pushes
        self._by_user: dict[int, dict[int, SessionState]] = {}
        self._watched: OrderedDict[int, SessionState] = OrderedDict()

    def subscribe(self, user_id: int, state: SessionState) -> None:
        state.subscribed = True
        self._by_user.setdefault(user_id, {})[id(state)] = state

    def watch(self, auth_key_id: int, state: SessionState) -> None:
        """``state`` made a call on a key that is not logged in: the session ``push_key`` reaches."""
        self._watched.pop(auth_key_id, None)
        self._watched[auth_key_id] = state
        while len(self._watched) > MAX_WATCHED:
            self._watched.popitem(last=False)

    def push_key(self, auth_key_id: int, updates: TLObject) -> None:
        """contract.Pusher: send ``updates`` to the watched session of ``auth_key_id`` if it is still online."""
        state = self._watched.get(auth_key_id)
        if state is None or not state.online():
            return
        state.session.push(updates)
        state.flush(self._now())

    def sessions_of(self, user_id: int) -> list[SessionState]:
        """The live subscribed sessions of ``user_id`` (pruning dead ones)."""
        table = self._by_user.get(user_id)
        if not table:
            return []
        for key, state in list(table.items()):
            if not state.alive or self._world.user_of(state.key.acts_for) != user_id:
                del table[key]
        if not table:
            del self._by_user[user_id]
        return list(table.values())

    def push(self, user_id: int, updates: TLObject, *, except_auth_key_id: int | None = None) -> None:
        """contract.Pusher: queue ``updates`` for every subscribed session of ``user_id`` and send it."""
        now = self._now()
        for state in self.sessions_of(user_id):
            if state.key.acts_for == except_auth_key_id:
                continue
            if not state.online():
                if state.queued_pushes >= self._max_queued:
                    continue
                state.queued_pushes += 1
            state.session.push(updates)
            state.flush(now)
