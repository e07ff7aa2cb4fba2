"""Updates that never silently stop: one task applies pushed updates in pts order, persists the state,
and calls updates.getDifference on start, after new_session_created, after a reconnect, on gaps and after a
long silence, so no message is missed across reconnects and restarts. Handlers run in order, one at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tgfleet.client.types import Message
from tgfleet.client.updates.sequence import Sequencer
from tgfleet.errors import TgfleetError
from tgfleet.net.timeouts import within
from tgfleet.storage import UpdateState
from tgfleet.tl import functions, types

if TYPE_CHECKING:
    from tgfleet.client.core import ClientCore

log = logging.getLogger("tgfleet.updates")
SILENCE = 15 * 60.0
"""Without any update for this long, ask for the difference anyway."""
_DIFFERENCE = object()
Callback = Callable[[Any, Message], Awaitable[None] | None]


class MessageHandler:
    """Calls ``callback(client, message)`` for new messages that pass ``filter`` (all if None)."""

    def __init__(self, callback: Callback, filter: Callable[[Message], bool] | None = None) -> None:
        self.callback = callback
        self.filter = filter


class UpdatesManager:
    def __init__(self, client: ClientCore, handlers: list[MessageHandler]) -> None:
        self.client = client
        self.handlers = handlers
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._sequencer: Sequencer | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Load (or fetch) the update state and catch up with getDifference; then follow pushed updates."""
        storage = self.client.storage
        assert storage is not None
        self_id = storage.get_user_id()
        if self_id is None or self.running:
            return
        state = storage.get_update_state()
        if state is None:
            raw = await self.client.invoke(functions.updates.GetState())
            state = UpdateState(raw.pts, raw.qts, raw.date, raw.seq)
            storage.set_update_state(state)
        self._sequencer = Sequencer(state, self_id)
        self._task = asyncio.create_task(self._run(), name=f"tgfleet updates {self.client.name}")
        self.need_difference()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def push(self, obj: Any) -> None:
        """An ``Updates`` object from the server (pushed, or the result of a call)."""
        if self._task is not None:
            self._queue.put_nowait(obj)

    def need_difference(self) -> None:
        if self._task is not None:
            self._queue.put_nowait(_DIFFERENCE)

    async def _run(self) -> None:
        while True:
            try:
                item = await within(self._queue.get(), SILENCE)
            except asyncio.TimeoutError:
                item = _DIFFERENCE
            try:
                if item is _DIFFERENCE:
                    await self._difference()
                else:
                    await self._apply(item)
            except (TgfleetError, OSError) as e:  # a failed getDifference is retried on the next signal
                log.warning("updates: %s; will catch up on the next signal", e)

    async def _apply(self, obj: Any) -> None:
        assert self._sequencer is not None
        batch = self._sequencer.feed(obj)
        self.client._remember_peers(batch)
        await self._dispatch(batch.updates)
        self._save()
        if batch.gap:
            await self._difference()

    async def _difference(self) -> None:
        """updates.getDifference until the state is current (slices are applied one after the other)."""
        seq = self._sequencer
        assert seq is not None and seq.state is not None
        while True:
            state = seq.state
            diff = await self.client.invoke(
                functions.updates.GetDifference(pts=state.pts, date=state.date, qts=state.qts)
            )
            if isinstance(diff, types.updates.DifferenceEmpty):
                seq.state = UpdateState(state.pts, state.qts, diff.date, diff.seq)
            elif isinstance(diff, types.updates.DifferenceTooLong):
                seq.state = UpdateState(diff.pts, state.qts, state.date, state.seq)
            elif isinstance(diff, types.updates.Difference | types.updates.DifferenceSlice):
                self.client._remember_peers(diff)
                news = [types.UpdateNewMessage(message=m, pts=0, pts_count=0) for m in diff.new_messages]
                await self._dispatch(news + list(diff.other_updates))
                final = diff.state if isinstance(diff, types.updates.Difference) else diff.intermediate_state
                seq.state = UpdateState(final.pts, final.qts, final.date, final.seq)
            self._save()
            if not isinstance(diff, types.updates.DifferenceSlice):
                return

    async def _dispatch(self, updates: list[Any]) -> None:
        storage = self.client.storage
        self_id = storage.get_user_id() if storage is not None else None
        for update in updates:
            message = getattr(update, "message", None)
            if isinstance(update, types.UpdateNewMessage) and isinstance(message, types.Message):
                await self._handle(Message._parse(message, self_id))

    async def _handle(self, message: Message) -> None:
        for handler in self.handlers:
            if handler.filter is not None and not handler.filter(message):
                continue
            try:
                result = handler.callback(self.client, message)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # one handler's bug must not stop the updates
                log.exception("message handler %r failed", handler.callback)

    def _save(self) -> None:
        storage = self.client.storage
        if (
            self._sequencer is not None
            and self._sequencer.state is not None
            and storage is not None
            and storage.is_open
        ):
            storage.set_update_state(self._sequencer.state)
