"""``Flag``: ``asyncio.Event``'s behaviour in a fraction of its memory, with a timeout that needs no task.

A worker holds a thousand accounts, and each account's client, sender and runner keep about ten events (the
writer's wake-up, the connection's readiness, the health probe's wake-up...). An ``asyncio.Event`` costs about
850 bytes even while nobody waits (its deque of waiters comes with a 64-slot block); a ``Flag`` about 60, and a
list only while someone waits. ``wait(timeout)`` times out with a timer instead of the task and ``asyncio.wait``
that ``within(event.wait(), timeout)`` costs, and ``waiter()`` hands out a bare future for ``asyncio.wait`` sets.

Same semantics as ``asyncio.Event``: ``set`` wakes every current waiter (a ``clear`` right after does not take the
wake-up back), a waiter cancelled or timed out is forgotten at once. Not thread-safe (neither is the Event).
"""

from __future__ import annotations

import asyncio


class Flag:
    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[bool]] | None = None  # created by the first waiter, dropped by set()

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        """Set the flag and wake every waiter."""
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        for future in waiters or ():
            if not future.done():
                future.set_result(True)

    def clear(self) -> None:
        self._set = False

    def waiter(self) -> asyncio.Future[bool]:
        """A future that resolves to True once the flag is set (at once when it is); cancel it to stop waiting."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if self._set:
            future.set_result(True)
            return future
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(future)
        future.add_done_callback(self._forget)
        return future

    async def wait(self, timeout: float | None = None) -> bool:
        """True once the flag is set; False when ``timeout`` seconds (None: no limit) pass first."""
        if self._set:
            return True
        future = self.waiter()
        if timeout is None:
            return await future
        timer = asyncio.get_running_loop().call_later(max(timeout, 0.0), _expire, future)
        try:
            return await future
        finally:
            timer.cancel()

    def _forget(self, future: asyncio.Future[bool]) -> None:
        waiters = self._waiters
        if waiters is not None and future in waiters:
            waiters.remove(future)
            if not waiters:
                self._waiters = None


def _expire(future: asyncio.Future[bool]) -> None:
    if not future.done():
        future.set_result(False)
