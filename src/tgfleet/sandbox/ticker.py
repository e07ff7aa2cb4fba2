"""``Ticker``: calls a function every ``interval`` seconds on a task of its own, from ``start()`` to ``stop()``
(the sandbox's server runs the world's ``deliver_scheduled`` on one). An exception in the function is logged and
the ticking goes on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("tgfleet.sandbox")


class Ticker:
    def __init__(self, interval: float, tick: Callable[[], Any]) -> None:
        if not interval > 0:
            raise ValueError(f"a tick interval must be positive, got {interval!r}")
        self._interval, self._tick = interval, tick
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="sandbox ticker")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                self._tick()
            except Exception:
                log.exception("sandbox ticker: %r failed", self._tick)
