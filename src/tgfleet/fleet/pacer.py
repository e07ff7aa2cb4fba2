"""``Pacer``: at most ``concurrency`` account connects at once, each started after a random pause of up to ``jitter``
seconds, so a worker that takes 1,000 accounts at once neither floods the DCs (or its proxies) with connections nor
starts them in lock-step; the renew loop never waits for it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Pacer:
    def __init__(self, concurrency: int = 32, jitter: float = 0.5, *, rng: random.Random | None = None) -> None:
        if concurrency < 1 or jitter < 0:
            raise ValueError(f"pacing needs concurrency >= 1 and jitter >= 0, got {concurrency} and {jitter}")
        self.jitter = jitter
        self._slots = asyncio.Semaphore(concurrency)
        self._rng = rng or random.Random()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one connect slot for the block (after the jitter)."""
        if self.jitter:
            await asyncio.sleep(self._rng.uniform(0, self.jitter))
        async with self._slots:
            yield
