"""Connection states, observable as callbacks and as an async iterator.

The four states of docs/requirements.md §5: CONNECTING, CONNECTED, DISCONNECTED, FAILED. FAILED is terminal
and carries the reason; every change carries its cause (an exception or a short text).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from tgfleet.net.flag import Flag

log = logging.getLogger("tgfleet.net")


class ConnectionState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


@dataclass(frozen=True)
class StateChange:
    """One transition: the new ``state``, why (``cause``), for which DC, and when (unix time)."""

    state: ConnectionState
    cause: BaseException | str | None
    dc_id: int
    at: float

    def __str__(self) -> str:
        why = f": {self.cause}" if self.cause is not None else ""
        return f"DC {self.dc_id} {self.state.name}{why}"


Listener = Callable[[StateChange], None]


class StateFeed:
    """The current state and its history for subscribers. ``FAILED`` is final: later changes are ignored."""

    MAX_BACKLOG = 256  # per async subscriber; a subscriber that never reads loses the oldest changes

    def __init__(self, dc_id: int, clock: Callable[[], float] = time.time) -> None:
        self.dc_id = dc_id  # the DC of the current connection; a client moves it when its home DC changes
        self._clock = clock
        self.current = StateChange(ConnectionState.DISCONNECTED, "not connected yet", dc_id, clock())
        self._listeners: list[Listener] = []
        self._queues: list[asyncio.Queue[StateChange]] = []
        self._changed = Flag()

    @property
    def state(self) -> ConnectionState:
        return self.current.state

    def set(self, state: ConnectionState, cause: BaseException | str | None = None) -> None:
        if self.current.state is ConnectionState.FAILED or (state is self.current.state and cause is None):
            return
        change = StateChange(state, cause, self.dc_id, self._clock())
        self.current = change
        log.info("%s", change)
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # a user callback must not break the connection
                log.exception("state listener %r failed", listener)
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)
        self._changed.set()
        self._changed = Flag()

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every change; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def changes(self) -> AsyncIterator[StateChange]:
        """Every change from now on, until FAILED (inclusive)."""
        queue: asyncio.Queue[StateChange] = asyncio.Queue(self.MAX_BACKLOG)
        self._queues.append(queue)
        try:
            while True:
                change = await queue.get()
                yield change
                if change.state is ConnectionState.FAILED:
                    return
        finally:
            self._queues.remove(queue)

    async def wait_for(self, *states: ConnectionState) -> StateChange:
        """Wait until the state is one of ``states`` (or FAILED)."""
        while self.current.state not in states and self.current.state is not ConnectionState.FAILED:
            await self._changed.wait()
        return self.current
