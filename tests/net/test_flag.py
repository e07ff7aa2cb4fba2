"""``Flag``: asyncio.Event's semantics (set wakes every waiter, a clear right after does not take it back), a wait with
a timeout that answers False, waiters forgotten when they give up, and a fraction of the Event's memory."""

from __future__ import annotations

import asyncio
import tracemalloc

from tgfleet.net.flag import Flag
from tgfleet.net.timeouts import within


async def test_set_wakes_every_waiter_even_if_cleared_at_once() -> None:
    flag = Flag()
    waiters = [asyncio.ensure_future(flag.wait()) for _ in range(3)] + [flag.waiter()]
    await asyncio.sleep(0)  # the waits are registered
    assert not any(w.done() for w in waiters)
    flag.set()
    flag.clear()
    assert await within(asyncio.gather(*waiters), 5) == [True] * 4
    assert not flag.is_set()


async def test_a_set_flag_answers_at_once_and_a_timeout_answers_false() -> None:
    flag = Flag()
    assert await within(flag.wait(0.01), 5) is False
    assert await within(flag.wait(-1), 5) is False  # a deadline already past: at once
    flag.set()
    assert flag.is_set()
    assert await flag.wait(0) is True
    assert await flag.wait() is True
    assert flag.waiter().result() is True


async def test_a_set_before_the_timeout_wins() -> None:
    flag = Flag()
    waiting = asyncio.ensure_future(flag.wait(30))
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_soon(flag.set)
    assert await within(waiting, 5) is True


async def test_waiters_that_give_up_are_forgotten() -> None:
    """Timed-out and cancelled waits leave nothing behind: memory stays flat over many of them, and a later set
    still wakes the waiter that remains."""
    flag = Flag()
    for _ in range(50):  # warm up allocator caches
        await flag.wait(0)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5_000):
            await flag.wait(0)
            cancelled = asyncio.ensure_future(flag.wait())
            await asyncio.sleep(0)
            cancelled.cancel()
            await asyncio.gather(cancelled, return_exceptions=True)
            flag.waiter().cancel()
        await asyncio.sleep(0)  # the cancelled futures' callbacks have run
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 64 * 1024, f"{grown} bytes kept after 15,000 abandoned waits"
    remaining = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    flag.set()
    assert await within(remaining, 5) is True


def test_a_flag_takes_a_fraction_of_an_events_memory() -> None:
    def size(make: type) -> int:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = [make() for _ in range(1_000)]
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert len(kept) == 1_000
        return used

    assert size(Flag) * 5 < size(asyncio.Event)
