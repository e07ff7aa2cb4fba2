"""Recovery: calls in flight survive a dropped connection exactly once; a frozen DC yields timeouts within
the budget, and the client recovers by itself when it thaws."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet import Client, ConnectionState
from tgfleet.errors import RequestTimeout
from tgfleet.net.retry import RetryPolicy
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions, types

from .helpers import StateLog, logged_in


async def test_drop_with_100_calls_in_flight_each_completes_once() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15550300001", first_name="Alice", username="alice_r", dc=2)
        bob = tg.add_user(phone="+15550300002", first_name="Bob", username="bob_r", dc=2)
        client = await logged_in(tg, alice.phone, retry=RetryPolicy(initial=0.01, maximum=0.05))
        await client.resolve_peer("@bob_r")
        tg.drop_after(40, dc=2)  # the connection dies while the calls are in flight

        async def one(i: int) -> object:
            if i % 2:
                return await client.send_message(bob.id, f"message {i}")
            return await client.get_me()

        results = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(100))), 30)
        assert len(results) == 100
        received = [m.text for m in tg.messages_of(bob.id) if m.text.startswith("message ")]
        assert sorted(received) == sorted(f"message {i}" for i in range(1, 100, 2))  # each exactly once
        await client.disconnect()


async def test_frozen_dc_times_out_within_budget_then_recovers() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15550300003", first_name="Cid", dc=2)
        client = await logged_in(
            tg, user.phone, ping_interval=0.5, ping_timeout=0.5, connect_timeout=0.5,
            retry=RetryPolicy(initial=0.05, maximum=0.2),
        )  # fmt: skip
        log = StateLog(client)
        tg.freeze(2)
        budget = 1.0
        calls = asyncio.gather(*(_get_me_error(client, budget) for _ in range(6)))
        errors = await asyncio.wait_for(calls, budget + 10)  # each ends by its budget, never a hang (bounded)
        assert all(isinstance(error, RequestTimeout) for error in errors)
        await log.wait_for(ConnectionState.DISCONNECTED, timeout=5)  # the silent connection was noticed

        mark = len(log.changes)
        tg.thaw(2)
        await log.wait_for(ConnectionState.CONNECTED, after=mark, timeout=10)
        assert (await client.get_me()).id == user.id
        await client.disconnect()


async def _get_me_error(client: Client, budget: float) -> BaseException | None:
    try:
        await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), timeout=budget)
    except RequestTimeout as e:
        return e
    return None


TRANSPORTS = [(t, False) for t in ("abridged", "intermediate", "padded", "full")]
TRANSPORTS += [(t, True) for t in ("abridged", "intermediate", "padded")]  # obfuscation wraps these three


@pytest.mark.parametrize(("transport", "obfuscated"), TRANSPORTS)
async def test_every_transport_logs_in(transport: str, obfuscated: bool) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550300004", first_name="Dee", dc=1)
        client = await logged_in(tg, user.phone, transport=transport, obfuscated=obfuscated)
        assert (await client.get_me()).id == user.id
        await client.disconnect()
