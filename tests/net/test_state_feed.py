"""StateFeed on its own: what its listeners and async subscribers see, in order; that FAILED is final; that a
repeated state is no change unless it has a new cause; that a subscriber that never reads keeps the newest
changes only; and that wait_for returns on the state waited for or on FAILED."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.clock import FakeClock
from tgfleet.net.state import ConnectionState, StateChange, StateFeed
from tgfleet.net.timeouts import within

CONNECTING, CONNECTED = ConnectionState.CONNECTING, ConnectionState.CONNECTED
DISCONNECTED, FAILED = ConnectionState.DISCONNECTED, ConnectionState.FAILED
PROMPTLY = 10.0


def test_listeners_see_each_change_with_its_cause_dc_and_time(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(1000.0)
    feed = StateFeed(4, clock)
    seen: list[StateChange] = []

    def broken(_: StateChange) -> None:
        raise RuntimeError("a user callback failed")

    feed.add_listener(broken)
    remove = feed.add_listener(seen.append)
    feed.set(CONNECTING)
    clock.advance(2.5)
    feed.set(CONNECTED, "ready")
    assert [(c.state, c.cause, c.dc_id, c.at) for c in seen] == [
        (CONNECTING, None, 4, 1000.0),
        (CONNECTED, "ready", 4, 1002.5),
    ]
    assert "state listener" in caplog.text and feed.current is seen[-1]  # the failing one did not stop the next
    remove()
    with caplog.at_level(logging.CRITICAL):
        feed.set(DISCONNECTED, "dropped")
    assert len(seen) == 2 and feed.state is DISCONNECTED


def test_the_same_state_again_is_a_change_only_with_a_cause() -> None:
    feed = StateFeed(2, FakeClock())
    seen: list[StateChange] = []
    feed.add_listener(seen.append)
    feed.set(CONNECTING)
    feed.set(CONNECTING)
    feed.set(CONNECTING, "retry 2")
    assert [(c.state, c.cause) for c in seen] == [(CONNECTING, None), (CONNECTING, "retry 2")]


async def test_failed_is_final_and_ends_every_subscription() -> None:
    feed = StateFeed(2, FakeClock())
    got: list[ConnectionState] = []

    async def subscribe() -> None:
        async for change in feed.changes():
            got.append(change.state)

    task = asyncio.create_task(subscribe())
    await asyncio.sleep(0)  # the subscriber is registered before the first change (one loop turn, no waiting)
    waiting = asyncio.create_task(feed.wait_for(CONNECTED))
    reason = RuntimeError("revoked")
    feed.set(CONNECTING)
    feed.set(FAILED, reason)
    feed.set(CONNECTED)  # ignored
    assert (await within(waiting, PROMPTLY)).cause is reason  # wait_for returns on FAILED too
    await within(task, PROMPTLY)  # the iteration ended with FAILED
    assert got == [CONNECTING, FAILED] and feed.state is FAILED


async def test_wait_for_returns_at_once_or_on_the_state_waited_for() -> None:
    feed = StateFeed(2, FakeClock())
    assert (await within(feed.wait_for(DISCONNECTED), PROMPTLY)).state is DISCONNECTED  # already there
    waiting = asyncio.create_task(feed.wait_for(CONNECTED))
    feed.set(CONNECTING)
    await asyncio.sleep(0)
    assert not waiting.done()
    feed.set(CONNECTED)
    assert (await within(waiting, PROMPTLY)).state is CONNECTED


async def test_a_subscriber_that_never_reads_keeps_only_the_newest_changes() -> None:
    feed = StateFeed(2, FakeClock())
    changes = feed.changes()
    first = asyncio.ensure_future(anext(changes))
    await asyncio.sleep(0)  # subscribed
    for n in range(StateFeed.MAX_BACKLOG + 10):
        feed.set(CONNECTING, f"attempt {n}")
    kept = [(await within(first, PROMPTLY)).cause]  # it had no turn to read between the changes
    kept += [(await within(anext(changes), PROMPTLY)).cause for _ in range(StateFeed.MAX_BACKLOG - 1)]
    assert kept == [f"attempt {n}" for n in range(10, StateFeed.MAX_BACKLOG + 10)]  # the oldest 10 dropped
    await changes.aclose()
