"""``GroupCommit``: many callers' requests in one store transaction (one commit, one fsync for all of them).

A caller's ``run(request)`` queues it and waits; one task drains the queue: every request queued by then goes into
one transaction (``run_many``: what each request gets, a result or its own exception, e.g. a fence refused), and
the requests that come while it runs go into the next. Nothing waits for a timer: a lone request goes at once, and
under load the transactions grow by themselves. When the transaction of a group fails as a whole (any error
``run_many`` raises rolls it back), each of its requests runs again alone, so only the one at fault sees its error.

A caller cancelled while its request is queued drops it; one cancelled while its request's transaction runs gets
nothing, and ``abandoned`` is given the request and what it got (e.g. to undo a reservation it made).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from tgfleet.fleet.store import Store, Tx

log = logging.getLogger("tgfleet.fleet")
R = TypeVar("R")
T = TypeVar("T")
RunMany = Callable[[Tx, Sequence[R]], Awaitable[list[T | Exception]]]
Abandoned = Callable[[R, T], Awaitable[None]]


class GroupCommit(Generic[R, T]):
    def __init__(self, store: Store, run_many: RunMany[R, T], abandoned: Abandoned[R, T]) -> None:
        self._store, self._run_many, self._abandoned = store, run_many, abandoned
        self._queue: list[tuple[R, asyncio.Future[T]]] = []
        self._drain: asyncio.Task[None] | None = None

    async def run(self, request: R) -> T:
        """``request``'s result once its transaction committed, or its own error."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._drained(), name="tgfleet group commit")
        return await future

    async def _drained(self) -> None:
        while self._queue:
            group, self._queue = [(r, f) for r, f in self._queue if not f.done()], []  # (done: its caller left)
            if group:
                try:
                    await self._commit(group)
                except BaseException as exc:  # (this task cancelled: its callers hear of it, none waits forever)
                    for _, future in group + self._queue:
                        _settle(future, exc)
                    raise

    async def _commit(self, group: list[tuple[R, asyncio.Future[T]]]) -> None:
        try:
            async with self._store.transaction() as tx:
                results = await self._run_many(tx, [request for request, _ in group])
        except Exception as exc:
            if len(group) == 1:
                _settle(group[0][1], exc)
                return
            for one in group:  # alone, so that only the request at fault fails
                await self._commit([one])
            return
        for (request, future), result in zip(group, results, strict=True):
            if not future.cancelled():
                _settle(future, result)
            elif not isinstance(result, Exception):
                try:
                    await self._abandoned(request, result)
                except Exception as exc:
                    log.info("group commit: a left request's result was not undone: %r", exc)


def _settle(future: asyncio.Future[T], result: T | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, asyncio.CancelledError):
        future.cancel()
    elif isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
