"""``within(awaitable, timeout)``: ``asyncio.wait_for`` without the cancellation pitfalls of Python 3.10 and
3.11 (a cancelled caller could stay stuck waiting for an inner ``Event.wait()``; seen in the sender's
writer). The inner task is cancelled and awaited on timeout and when the caller itself is cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def within(awaitable: Awaitable[T], timeout: float | None) -> T:
    """Await ``awaitable`` for at most ``timeout`` seconds (None: no limit); asyncio.TimeoutError after."""
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    raise asyncio.TimeoutError
