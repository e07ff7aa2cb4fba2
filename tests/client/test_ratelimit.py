"""Client rate limits: a burst of messages never provokes FLOOD_WAIT from the sandbox's default limits
(30 messages/s) and goes out at close to the configured rate. CI sends 200; benchmarks/ sends 1,000."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tgfleet import FloodWaitEvent, RateLimits
from tgfleet.client.ratelimit import TokenBucket
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in

COUNT = int(os.environ.get("TGFLEET_RATE_MESSAGES", "200"))


async def test_a_burst_of_messages_never_hits_flood_wait() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550600001", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15550600002", first_name="Bob", username="bob_rate", dc=1)
        events: list[FloodWaitEvent] = []
        client = await logged_in(tg, alice.phone, on_flood_wait=events.append, timeout=COUNT)
        await client.resolve_peer("@bob_rate")
        limits = RateLimits()
        started = time.monotonic()
        await asyncio.gather(*(client.send_message(bob.id, f"n{i}") for i in range(COUNT)))
        elapsed = time.monotonic() - started
        assert events == []  # not one FLOOD_WAIT
        assert limits.messages_per_second is not None
        floor = (COUNT - limits.burst) / limits.messages_per_second
        assert floor * 0.95 <= elapsed <= floor * 2 + 2  # limited, and not much slower than the limit
        assert len([m for m in tg.messages_of(bob.id) if m.text.startswith("n")]) == COUNT
        await client.disconnect()


def test_token_bucket_reserves_at_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(10, 2, clock=lambda: now[0])
    delays = [bucket.reserve() for _ in range(5)]
    assert delays == pytest.approx([0.0, 0.0, 0.1, 0.2, 0.3])  # the burst, then one token per 1/rate
    now[0] = 10.0
    assert bucket.reserve() == 0.0  # refilled (up to the burst)


async def test_per_chat_limit_holds_one_chat_back_not_the_others() -> None:
    from tgfleet.client.ratelimit import RateLimiter

    now = [0.0]
    limiter = RateLimiter(RateLimits(None, None, per_chat_per_second=1.0, burst=1), clock=lambda: now[0])
    assert limiter.buckets_for("messages.sendMessage", b"chat-a")[0].reserve() == 0.0
    assert limiter.buckets_for("messages.sendMessage", b"chat-a")[0].reserve() == 1.0  # a second message waits
    assert limiter.buckets_for("messages.sendMessage", b"chat-b")[0].reserve() == 0.0  # another chat does not
    assert limiter.buckets_for("users.getUsers", b"chat-a") == []  # not a message: no per-chat limit
    assert RateLimiter(RateLimits.disabled()).buckets_for("messages.sendMessage", b"x") == []


async def test_file_parts_are_not_held_to_the_requests_bucket() -> None:
    """A 100 MB file is 200 parts: the transfer's workers pace them, not the 100 requests/s bucket."""
    from tgfleet.client.ratelimit import RateLimiter

    limiter = RateLimiter(RateLimits(requests_per_second=1.0, messages_per_second=None, burst=1), clock=lambda: 0.0)
    for method in ("upload.saveFilePart", "upload.saveBigFilePart", "upload.getFile"):
        assert limiter.buckets_for(method, None) == []
    assert len(limiter.buckets_for("messages.sendMedia", None)) == 1  # the message that names the file still counts
