"""Per-account rate limits: FLOOD_WAIT_X with an honest X, on the server's (fake) clock."""

from __future__ import annotations

import pytest

from tests.clock import FakeClock
from tgfleet import errors
from tgfleet.sandbox.flood import FloodBucket, FloodGuard
from tgfleet.sandbox.server_limits import Limits, Rate
from tgfleet.tl import functions, types

from .server_double import DoubleWorld
from .server_wire import WireClient, connected, running

SEND = functions.messages.SendMessage
CONFIG = functions.help.GetAppConfig


def _send(i: int) -> functions.messages.SendMessage:
    return SEND(peer=types.InputPeerSelf(), message=f"message {i}", random_id=i + 1)


def test_token_bucket_waits_are_honest() -> None:
    bucket = FloodBucket(Rate(30, per=60), now=0.0)
    for _ in range(30):
        assert bucket.wait(0.0) == 0
        bucket.take()
    assert bucket.wait(0.0) == 2  # one token every 2 s
    assert bucket.wait(1.5) == 1
    assert bucket.wait(2.0) == 0


def test_limiter_counts_messages_and_requests_separately() -> None:
    limiter = FloodGuard(Limits(requests=Rate(5), messages=Rate(2)))
    for _ in range(2):
        limiter.check(SEND, user_id=1, auth_key_id=9, new_account=False, now=0.0)
    with pytest.raises(errors.FloodWait) as caught:
        limiter.check(SEND, user_id=1, auth_key_id=9, new_account=False, now=0.0)
    assert caught.value.value == 1
    for _ in range(3):
        limiter.check(CONFIG, user_id=1, auth_key_id=9, new_account=False, now=0.0)
    with pytest.raises(errors.FloodWait):
        limiter.check(CONFIG, user_id=1, auth_key_id=9, new_account=False, now=0.0)
    limiter.check(CONFIG, user_id=2, auth_key_id=9, new_account=False, now=0.0)  # another account
    limiter.check(CONFIG, user_id=None, auth_key_id=9, new_account=False, now=0.0)  # the key before login


def test_limiter_can_be_disabled() -> None:
    limiter = FloodGuard(Limits(requests=None, messages=Rate(0)))
    for _ in range(1000):
        limiter.check(SEND, user_id=1, auth_key_id=1, new_account=False, now=0.0)


async def _flood_after(client: WireClient, calls: int, *, kind: str = "send") -> errors.FloodWait:
    requests = [client.send(_send(i) if kind == "send" else CONFIG(hash=i)) for i in range(calls + 1)]
    results = await client.results(requests)
    assert all(not isinstance(r, Exception) for r in results[:calls]), results[:calls]
    assert isinstance(results[calls], errors.FloodWait), results[calls]
    return results[calls]


async def _user(tg: object, world: DoubleWorld, user_id: int) -> WireClient:
    client = await connected(tg)  # type: ignore[arg-type]
    assert client.auth is not None
    world.users[client.auth.auth_key_id] = user_id
    return client


async def test_thirty_messages_a_second_then_flood_wait() -> None:
    clock, world = FakeClock(), DoubleWorld()
    async with running(world, clock=clock) as tg:
        client = await _user(tg, world, 1)
        flood = await _flood_after(client, 30)
        assert (flood.code, flood.error_message, flood.value) == (420, "FLOOD_WAIT_1", 1)
        clock.advance(1 / 30)  # exactly one token back
        assert isinstance(await client.invoke(_send(100)), types.UpdateShortSentMessage)
        assert isinstance(await client.rpc_error(_send(101)), errors.FloodWait)
        other = await _user(tg, world, 2)  # per account
        assert isinstance(await other.invoke(_send(200)), types.UpdateShortSentMessage)


async def test_slow_rates_give_longer_honest_waits() -> None:
    clock, world = FakeClock(), DoubleWorld()
    limits = Limits(messages=Rate(5, per=60))
    async with running(world, clock=clock, limits=limits) as tg:
        client = await _user(tg, world, 1)
        assert (await _flood_after(client, 5)).value == 12
        clock.advance(5)
        assert (await client.rpc_error(_send(50))).value == 7
        clock.advance(7)
        assert isinstance(await client.invoke(_send(51)), types.UpdateShortSentMessage)


async def test_new_accounts_get_the_stricter_profile() -> None:
    clock, world = FakeClock(), DoubleWorld(new_users={1})
    async with running(world, clock=clock) as tg:
        client = await _user(tg, world, 1)
        assert (await _flood_after(client, 10)).value == 1
        world.new_users.clear()
        clock.advance(1)
        await _flood_after(client, 30)


async def test_requests_a_second_before_and_after_login() -> None:
    clock, world = FakeClock(), DoubleWorld()
    async with running(world, clock=clock, limits=Limits(requests=Rate(20))) as tg:
        client = await connected(tg)  # its init call took one token of its key
        assert (await _flood_after(client, 19, kind="config")).value == 1
        assert client.auth is not None
        world.users[client.auth.auth_key_id] = 5  # logged in: the account's own bucket
        await _flood_after(client, 20, kind="config")
