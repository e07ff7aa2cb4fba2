"""``within(awaitable, timeout)``: ``asyncio.wait_for`` without the cancellation pitfalls of Python 3.10 and
3.11 (a cancelled caller could stay stuck waiting for an inner ``Event.wait()``; seen in the sender's
writer). The inner task is cancelled and awaited on timeout and when the caller itself is cancelled. Used
instead of ``asyncio.wait_for`` everywhere in tgfleet (net, client, sandbox, cli)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar, cast

T = TypeVar("T")


async def within(awaitable: Awaitable[T], timeout: float | None) -> T:
    """Await ``awaitable`` for at most ``timeout`` seconds (None: no limit); asyncio.TimeoutError after."""
    if isinstance(awaitable, asyncio.Future) and not isinstance(awaitable, asyncio.Task):
        future = cast("asyncio.Future[T]", awaitable)
        return await _future_within(future, timeout)  # the hot path of every call: a bare timer
    task: asyncio.Future[T] = asyncio.ensure_future(awaitable)
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


async def _future_within(future: asyncio.Future[T], timeout: float | None) -> T:
    if timeout is None:
        return await future
    handle = asyncio.get_running_loop().call_later(timeout, _expire, future)
    try:
        return await future
    finally:
        handle.cancel()


def _expire(future: asyncio.Future[T]) -> None:
    if not future.done():
        future.set_exception(asyncio.TimeoutError())
