"""``Dispatcher``: the client's handlers in groups and the worker tasks that run them (Pyrogram's model).

Each applied update becomes the object of its kind (``parsers.py``) and goes through the groups in ascending
order; in each group the first handler of its kind (or a ``RawUpdateHandler``) whose filter takes it runs,
and no other of that group. A handler raising ``ContinuePropagation`` lets the next one of its group try too;
``StopPropagation`` ends the update's way through the groups. A handler that raises anything else goes to
the first ``ErrorHandler`` that takes the exception, or is logged; the update goes on to the next group
either way. An async callback is awaited; a plain one runs in the client's executor.

Order: updates are queued in the order they were applied and taken in that order by up to ``workers``
tasks at once (Pyrogram's default ``min(32, cpus + 4)``), so a slow handler never holds up the next update;
an update's handlers run one after the other. With ``workers=1`` updates are handled one at a time, in order.
Handlers added or removed while updates are handled count from the next update on (each update reads the
groups as they were when its turn came).

Bounded: the queue holds at most ``queue_size`` updates; when it is full, ``dispatch`` waits, so the updates
manager applies no more (and, past its own bound, drops what it has not applied and asks for the difference
later: nothing with a pts is lost, ``manager.py``). Worker tasks exist only while there is work: a client
with no handlers, or nothing to do, holds none.

Recording: ``record`` (None by default), when set, is awaited with every delivery before anything else, handlers
or not; the updates manager saves the state that covers the delivery only once it returned, so whatever it stores
durably (the fleet's inbox) is never behind the saved state. If it raises, the delivery goes no further.

Its inputs are the object handed to the callbacks (the client) and that object's ``executor``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from tgfleet.client.updates.delivery import Delivery, Dispatch
from tgfleet.client.updates.parsers import parse
from tgfleet.handlers import (
    ContinuePropagation,
    ErrorHandler,
    EventHandler,
    Handler,
    RawUpdateHandler,
    StopPropagation,
)
from tgfleet.tl import types as t

log = logging.getLogger("tgfleet.updates")
QUEUE_SIZE = 1000
"""Updates waiting for a worker at most (then the updates manager waits)."""
Item = tuple[Any, dict[int, Any], dict[int, Any]]


def _known_senders(update: Any, users: dict[int, Any]) -> None:
    """A user the updates manager could not name (``senders.py``: the look-up failed) gets a ``user`` with the id
    alone, so ``message.from_user.id`` and ``filters.user`` still work."""
    message = getattr(update, "message", None)
    for peer in (getattr(message, "from_id", None), getattr(message, "peer_id", None)):
        if isinstance(peer, t.PeerUser) and peer.user_id not in users:
            users[peer.user_id] = t.User(id=peer.user_id)


class Dispatcher:
    """``add_handler(handler, group)``, ``remove_handler(handler, group)``; ``await dispatch(delivery)`` is
    the updates' callback; ``await stop()`` waits until what was queued has been handled."""

    __slots__ = ("_errors", "_order", "_queue", "_tasks", "client", "groups", "queue_size", "record", "workers")

    def __init__(self, client: Any, *, workers: int, queue_size: int = QUEUE_SIZE) -> None:
        self.client = client
        self.workers = workers
        self.queue_size = queue_size
        self.groups: dict[int, list[Handler]] = {}
        self.record: Dispatch | None = None
        self._order: tuple[tuple[Handler, ...], ...] = ()  # the groups' update handlers, ascending
        self._errors: tuple[ErrorHandler, ...] = ()
        self._queue: asyncio.Queue[Item] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- handlers ------------------------------------------------------------------------------------------
    def add_handler(self, handler: Handler, group: int = 0) -> None:
        if not isinstance(handler, Handler) or isinstance(handler, EventHandler):
            raise TypeError(f"add_handler takes an update handler of tgfleet.handlers, not {handler!r}")
        if isinstance(group, bool) or not isinstance(group, int):
            raise TypeError(f"group must be an int, not {type(group).__name__}")
        self.groups.setdefault(group, []).append(handler)
        self._snapshot()

    def remove_handler(self, handler: Handler, group: int = 0) -> None:
        handlers = self.groups.get(group, [])
        if handler not in handlers:
            raise ValueError(f"{handler!r} is not in group {group}; it was not removed")
        handlers.remove(handler)
        if not handlers:
            del self.groups[group]
        self._snapshot()

    def clear(self) -> None:
        """Remove every handler (``stop()`` does, as Kurigram's)."""
        self.groups.clear()
        self._snapshot()

    def _snapshot(self) -> None:
        groups = [self.groups[g] for g in sorted(self.groups)]
        self._order = tuple(tuple(h for h in hs if not isinstance(h, ErrorHandler)) for hs in groups)
        self._order = tuple(hs for hs in self._order if hs)
        self._errors = tuple(h for hs in groups for h in hs if isinstance(h, ErrorHandler))

    # -- the queue and its workers -------------------------------------------------------------------------
    async def dispatch(self, delivery: Delivery) -> None:
        if self.record is not None:
            await self.record(delivery)
        if not self._order:
            return
        queue = self._queue
        if queue is None:
            queue = self._queue = asyncio.Queue(self.queue_size)
        users = {u.id: u for u in delivery.users}
        chats = {c.id: c for c in delivery.chats}
        for update in delivery.updates:
            _known_senders(update, users)
            await queue.put((update, users, chats))
            if len(self._tasks) < self.workers:
                self._tasks.add(asyncio.create_task(self._work(queue), name="tgfleet handler worker"))

    async def _work(self, queue: asyncio.Queue[Item]) -> None:
        """Handle queued updates until the queue is empty. Nothing waits between finding it empty and
        leaving the task set, so ``dispatch`` never counts a worker that will not take its update."""
        try:
            while not queue.empty():
                update, users, chats = queue.get_nowait()
                try:
                    await self._handle(update, users, chats)
                except Exception:  # a bug here must not lose the other updates
                    log.exception("dispatching %s failed", type(update).__name__)
        finally:
            self._tasks.discard(asyncio.current_task())  # type: ignore[arg-type,unused-ignore]

    async def stop(self) -> None:
        """Wait for the workers to handle what is queued (not for the calling worker, if one stops the client)."""
        current = asyncio.current_task()
        if tasks := [t for t in self._tasks if t is not current]:
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- one update ----------------------------------------------------------------------------------------
    async def _handle(self, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> None:
        client = self.client
        parsed, kind = parse(client, update, users, chats) or (None, None)
        for group in self._order:
            for handler in group:
                if kind is not None and isinstance(handler, kind):
                    args: tuple[Any, ...] = (parsed,)
                elif isinstance(handler, RawUpdateHandler):
                    args = (update, users, chats)
                else:
                    continue
                try:
                    if not await handler.check(client, args[0]):
                        continue
                except Exception:
                    log.exception("the filter of %r failed", handler)
                    continue
                try:
                    await self._call(handler.callback, client, *args)
                except StopPropagation:
                    return
                except ContinuePropagation:
                    continue
                except Exception as e:
                    await self._failed(e, handler, update, users, chats)
                break

    async def _call(self, callback: Any, *args: Any) -> Any:
        if inspect.iscoroutinefunction(callback):
            return await callback(*args)
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(getattr(self.client, "executor", None), callback, *args)
        return await result if inspect.isawaitable(result) else result

    async def _failed(self, exc: Exception, handler: Handler, update: Any, users: Any, chats: Any) -> None:
        """The first ``ErrorHandler`` that takes ``exc`` gets it (``ContinuePropagation``: the next one);
        none: it is logged."""
        for error_handler in self._errors:
            if not isinstance(exc, error_handler.exceptions):
                continue
            try:
                await self._call(error_handler.callback, self.client, exc, handler, update, users, chats)
            except ContinuePropagation:
                continue
            except StopPropagation:
                return
            except Exception:
                log.exception("the error handler %r failed", error_handler)
            return
        log.error("%r raised", handler, exc_info=(type(exc), exc, exc.__traceback__))
