"""``InboxRunner``: the fleet's handlers on the stored messages of one connected account, in the worker holding it.

Each handler goes through the account's messages it has no marker for, oldest first (``HolderInbox.pending``; from
the first one on every start, so what an older holder left unfinished runs again): the message is rebuilt from its
stored TL form as a ``tgfleet.types.Message``, the handler's filter asked, the callback awaited (a plain one runs in
the client's executor), and the marker committed fenced (``done``, or ``skipped`` when the filter did not take it).
A handler that raises is logged and tried again after a pause (``retry_initial`` doubling up to ``retry_max``),
without holding up the other messages; it is marked once it returns. A refused marker (StaleEpoch) ends the runner
(the account's runner fences itself): the new holder runs that handler again, at least once.

It wakes when the holder stored new messages (``wake``) and, to be safe, every ``poll_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from tgfleet.client import Client
from tgfleet.fleet.inbox_holder import HolderInbox
from tgfleet.fleet.inbox_records import FleetHandler, Pending
from tgfleet.handlers import MessageHandler
from tgfleet.net.flag import Flag
from tgfleet.tl import types as t
from tgfleet.tl.core.base import decode
from tgfleet.types import Message

log = logging.getLogger("tgfleet.fleet")
BATCH = 100


@dataclass
class _Retry:
    pending: Pending
    attempts: int
    due: float


@dataclass
class _Progress:
    """One handler's place in the account's messages, and its messages waiting to be tried again."""

    handler: FleetHandler
    after: int = 0
    retries: list[_Retry] = field(default_factory=list)


class InboxRunner:
    def __init__(
        self,
        holder: HolderInbox,
        client: Client,
        handlers: list[FleetHandler],
        *,
        wake: Flag,
        poll_interval: float = 5.0,
        retry_initial: float = 1.0,
        retry_max: float = 60.0,
    ) -> None:
        self._holder, self._client, self._wake = holder, client, wake
        self._progress = [_Progress(h) for h in handlers]
        self._poll, self._retry_initial, self._retry_max = poll_interval, retry_initial, retry_max

    async def run(self) -> None:
        """Handle until cancelled; StaleEpoch once the lease is gone."""
        if not self._progress:
            return
        while True:
            self._wake.clear()
            more = False
            for progress in self._progress:
                more |= await self._advance(progress)
                await self._retry_due(progress)
            if not more:
                await self._sleep()

    async def _advance(self, progress: _Progress) -> bool:
        """Run the handler on its next batch of new messages; whether there may be more."""
        batch = await self._holder.pending(progress.handler.name, after=progress.after, limit=BATCH)
        for pending in batch:
            await self._attempt(progress, pending, 1)
            progress.after = pending.id
        return len(batch) == BATCH

    async def _retry_due(self, progress: _Progress) -> None:
        now = time.monotonic()
        due = [r for r in progress.retries if r.due <= now]
        progress.retries = [r for r in progress.retries if r.due > now]
        for retry in due:
            await self._attempt(progress, retry.pending, retry.attempts + 1)

    async def _sleep(self) -> None:
        dues = [r.due for p in self._progress for r in p.retries]
        timeout = min([self._poll, *(d - time.monotonic() for d in dues)])
        await self._wake.wait(timeout)

    async def _attempt(self, progress: _Progress, pending: Pending, attempts: int) -> None:
        handler = progress.handler
        message = self._message(pending)
        try:
            outcome = "done"
            if handler.filters is not None and not await MessageHandler(handler.callback, handler.filters).check(
                self._client, message
            ):
                outcome = "skipped"
            else:
                await self._call(handler, message)
        except Exception as exc:
            pause = min(self._retry_initial * 2.0 ** (attempts - 1), self._retry_max)
            log.warning("inbox handler %s failed on message %d (attempt %d; again in %.1f s): %r",
                        handler.name, pending.id, attempts, pause, exc)  # fmt: skip
            progress.retries.append(_Retry(pending, attempts, time.monotonic() + pause))
            return
        await self._holder.mark(pending.id, handler.name, outcome=outcome, attempts=attempts)

    def _message(self, pending: Pending) -> Message:
        users = {pending.sender_id: t.User(id=pending.sender_id)} if pending.sender_id and pending.sender_id > 0 else {}
        return Message._parse(self._client, decode(pending.raw), users, {})

    async def _call(self, handler: FleetHandler, message: Message) -> Any:
        if inspect.iscoroutinefunction(handler.callback):
            return await handler.callback(self._client, message)
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._client.executor, handler.callback, self._client, message)
        return await result if inspect.isawaitable(result) else result
