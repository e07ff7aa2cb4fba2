"""send_message's random_id: a caller's is used as given (a resend with it delivers once), the default is
time-prefixed by the server's time, bad ones are refused before any request."""

from __future__ import annotations

import time

import pytest

from tgfleet.client.random_ids import time_prefixed
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in


async def test_a_resend_with_the_same_random_id_delivers_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550140001", first_name="Alice", username="alice_rid", dc=1)
        bob = tg.add_user(phone="+15550140002", first_name="Bob", username="bob_rid", dc=1)
        a = await logged_in(tg, alice.phone, "alice")
        try:
            rid = time_prefixed(time.time(), 12345)
            first = await a.send_message("@bob_rid", "exactly once", random_id=rid)
            again = await a.send_message("@bob_rid", "exactly once", random_id=rid)
            other = await a.send_message("@bob_rid", "exactly once")
            assert again.id == first.id and other.id != first.id
            texts = [m.text for m in tg.messages_of(bob.id) if m.sender_id == alice.id]
            assert texts == ["exactly once", "exactly once"]  # the resend made none
            mine = [m for m in tg.messages_of(alice.id) if m.out]
            assert mine[0].random_id == rid
            default = mine[1].random_id
            assert default is not None and abs((default >> 32) - time.time()) < 120  # the server's unixtime
        finally:
            await a.disconnect()


async def test_a_bad_random_id_is_refused_before_any_request() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550140003", first_name="Alice", dc=1)
        a = await logged_in(tg, alice.phone, "alice")
        try:
            with pytest.raises(TypeError):
                await a.send_message("me", "x", random_id="1")  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="64-bit"):
                await a.send_message("me", "x", random_id=2**63)
            with pytest.raises(ValueError, match="RANDOM_ID_EMPTY"):
                await a.send_message("me", "x", random_id=0)
            assert not [m for m in tg.messages_of(alice.id) if m.out]
        finally:
            await a.disconnect()


def test_time_prefixed_is_unixtime_then_32_random_bits() -> None:
    assert time_prefixed(1_700_000_000.9, 0xDEADBEEF) == (1_700_000_000 << 32) | 0xDEADBEEF
    assert time_prefixed(1_700_000_000, -1) & 0xFFFFFFFF == 0xFFFFFFFF
    assert time_prefixed(2**32 - 1, 0) < 0  # past 2038 it wraps into the signed long
