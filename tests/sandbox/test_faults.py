"""Each fault of the control API, observed by a real client connection."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tgfleet import errors
from tgfleet.mtproto.session import Result
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions, types

from .server_double import DoubleWorld
from .server_wire import KEY, Closed, WireClient, connected, init, running

SEND = functions.messages.SendMessage


def _send(text: str = "hi", peer: int | None = None) -> functions.messages.SendMessage:
    target: types.TypeInputPeer = (
        types.InputPeerSelf() if peer is None else types.InputPeerUser(user_id=peer, access_hash=0)
    )
    return SEND(peer=target, message=text, random_id=int.from_bytes(time.time_ns().to_bytes(8, "little"), "little"))


async def _logged_in(tg: object, world: DoubleWorld, user_id: int, dc: int = 2) -> WireClient:
    client = await connected(tg, dc)  # type: ignore[arg-type]
    assert client.auth is not None
    world.users[client.auth.auth_key_id] = user_id
    return client


async def test_drop_connections_of_a_dc_and_of_a_user() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice = await _logged_in(tg, world, 1)
        bob = await _logged_in(tg, world, 2)
        on_three = await connected(tg, 3)
        assert tg.drop_connections(user_id=1) == 1
        await alice.closed()
        await bob.invoke(functions.help.GetNearestDc())
        assert tg.drop_connections(dc=2) == 1
        await bob.closed()
        await on_three.invoke(functions.help.GetNearestDc())


async def test_drop_after_loses_the_answer_until_the_session_reconnects() -> None:
    async with running() as tg:
        client = await connected(tg)
        assert client.auth is not None and client.session is not None
        tg.drop_after(1, dc=2)  # the next packet is handled, then the connection drops
        lost = client.send(functions.help.GetConfig())
        await client.closed()
        again = await WireClient.connect(tg.network.address(2))
        again.session = client.session  # the same session on a new connection: any message (a ping) ...
        client.session.ping(5)
        again.flush()
        (config,) = await again.results([lost])  # ... and the server re-sends what was not acknowledged
        assert isinstance(config, types.Config)
        await again.invoke(functions.help.GetNearestDc())  # not sticky: the new connection stays


async def test_sticky_drop_after_applies_to_new_connections() -> None:
    async with running() as tg:
        tg.drop_after(3, dc=2, sticky=True)  # the three packets of a key exchange
        client = await WireClient.connect(tg.network.address(2))
        with pytest.raises(Closed):
            await client.handshake(2)  # the server made the key, but dh_gen_ok went down with the connection
        assert len(tg.auth_key_ids(2)) == 1
        tg.drop_after(None, dc=2)
        assert isinstance(await (await connected(tg)).invoke(functions.help.GetNearestDc()), types.NearestDc)


async def test_latency_holds_answers_back_on_its_dc_until_switched_off() -> None:
    async with running() as tg:
        two, three = await connected(tg), await connected(tg, 3)
        tg.set_latency(0.3, dc=2)
        started = time.monotonic()
        await two.invoke(functions.help.GetNearestDc())
        assert time.monotonic() - started >= 0.3
        tg.set_latency(60, dc=3)
        held = three.send(functions.help.GetNearestDc())
        with pytest.raises(asyncio.TimeoutError):
            await three.results([held], timeout=0.5)
        assert isinstance(await two.invoke(functions.help.GetNearestDc()), types.NearestDc)  # only DC 3 waits 60 s
        tg.set_latency(0, dc=3)
        fresh = await connected(tg, 3)  # a key exchange and a call, well within a minute: the latency is off
        assert isinstance(await fresh.invoke(functions.help.GetNearestDc()), types.NearestDc)


async def test_freeze_holds_answers_until_thaw() -> None:
    async with running() as tg:
        client = await connected(tg)
        tg.freeze(2)
        request = client.send(functions.help.GetNearestDc())
        with pytest.raises(asyncio.TimeoutError):
            await client.results([request], timeout=0.3)
        fresh = await WireClient.connect(tg.network.address(2))  # still accepted and read, never answered
        fresh.send_payload(b"\0" * 8 + b"x" * 32)
        with pytest.raises(asyncio.TimeoutError):
            await fresh.recv_payload(timeout=0.1)
        tg.thaw(2)
        (nearest,) = await client.results([request])
        assert isinstance(nearest, types.NearestDc)


async def test_revoke_makes_the_next_authorized_call_fail() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        client = await _logged_in(tg, world, 42)
        other = await _logged_in(tg, world, 43)
        assert await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()])) == [types.UserEmpty(id=42)]
        assert tg.revoke(user_id=42) == 1
        error = await client.rpc_error(functions.users.GetUsers(id=[types.InputUserSelf()]))
        assert (error.code, error.ID) == (401, "AUTH_KEY_UNREGISTERED")
        assert isinstance(error, errors.AuthKeyUnregistered)
        assert other.auth is not None
        tg.revoke(auth_key_id=other.auth.auth_key_id)
        assert (await other.rpc_error(functions.users.GetUsers(id=[types.InputUserSelf()]))).code == 401


async def test_forced_flood_errors_and_migrations() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        client = await _logged_in(tg, world, 7)
        tg.force_flood(SEND, 17, times=2)
        for _ in range(2):
            flood = await client.rpc_error(_send())
            assert isinstance(flood, errors.FloodWait) and flood.value == 17 and flood.error_message == "FLOOD_WAIT_17"
        assert isinstance(await client.invoke(_send()), types.UpdateShortSentMessage)
        tg.force_migrate(functions.users.GetUsers, 3)
        migrate = await client.rpc_error(functions.users.GetUsers(id=[types.InputUserSelf()]))
        assert isinstance(migrate, errors.UserMigrate) and (migrate.code, migrate.value) == (303, 3)
        tg.force_migrate(functions.help.GetNearestDc, 1, kind="PHONE")
        assert (await client.rpc_error(functions.help.GetNearestDc())).error_message == "PHONE_MIGRATE_1"
        tg.force_error(functions.help.GetConfig, 500, "RPC_CALL_FAIL")
        assert (await client.rpc_error(functions.help.GetConfig())).ID == "RPC_CALL_FAIL"
        assert isinstance(await client.invoke(functions.help.GetConfig()), types.Config)


async def test_rotate_salts_gives_bad_server_salt_and_the_client_recovers() -> None:
    async with running() as tg:
        client = await connected(tg)
        assert client.session is not None
        old = client.session.salt
        tg.rotate_salts(2)
        await client.invoke(functions.help.GetNearestDc())
        assert client.session.salt != old


async def test_skew_ahead_gives_bad_msg_16_and_the_client_resyncs() -> None:
    async with running() as tg:
        client = await connected(tg)
        assert client.session is not None
        tg.skew_clock(400)
        await client.invoke(functions.help.GetNearestDc())
        assert client.session.time_offset == pytest.approx(400, abs=5)


async def test_skew_behind_gives_bad_msg_17_on_a_new_key() -> None:
    async with running() as tg:
        tg.skew_clock(-100)
        client = await WireClient.connect(tg.network.address(2))
        auth = await client.handshake(2)
        assert auth.time_offset == pytest.approx(-100, abs=5)
        session = client.use_key(auth, time_offset=0.0)  # a client that ignores the server's time
        await client.invoke(init(functions.help.GetConfig()))
        assert session.time_offset == pytest.approx(-100, abs=5)


async def test_forced_errors_of_one_method_are_used_in_order() -> None:
    async with running() as tg:
        client = await connected(tg)
        tg.force_error(functions.help.GetConfig, 500, "FIRST")
        tg.force_error(functions.help.GetConfig, 400, "SECOND", times=2)
        answers = [(await client.rpc_error(functions.help.GetConfig())).ID for _ in range(3)]
        assert answers == ["FIRST", "SECOND", "SECOND"]
        assert isinstance(await client.invoke(functions.help.GetConfig()), types.Config)


async def test_a_forced_error_for_one_user_passes_over_other_callers() -> None:
    async with running() as tg:
        client = await connected(tg)  # not logged in: no user
        tg.force_error(functions.help.GetConfig, 400, "ONLY_FOR_USER", user_id=777)
        tg.force_error(functions.help.GetConfig, 500, "ANYONE")
        assert (await client.rpc_error(functions.help.GetConfig())).ID == "ANYONE"
        assert isinstance(await client.invoke(functions.help.GetConfig()), types.Config)


async def test_clear_faults() -> None:
    async with running() as tg:
        client = await connected(tg)
        tg.freeze()
        tg.set_latency(5)
        tg.force_flood(functions.help.GetNearestDc, 9)
        tg.drop_after(1, sticky=True)
        tg.clear_faults()
        for _ in range(2):  # the open connection is no longer dropped after its next packet
            events = await client.results([client.send(functions.help.GetNearestDc())], timeout=2)
            assert isinstance(events[0], types.NearestDc)
        assert not any(isinstance(e, Result) for e in client.events)
        fresh = await connected(tg)  # nor is a new one (the sticky drop-after is gone too)
        assert isinstance(await fresh.invoke(functions.help.GetNearestDc()), types.NearestDc)


DC9 = "no DC 9"


@pytest.mark.parametrize(
    ("control", "problem"),
    [
        (lambda tg: tg.freeze(9), DC9),
        (lambda tg: tg.thaw(9), DC9),
        (lambda tg: tg.set_latency(1, dc=9), DC9),
        (lambda tg: tg.drop_after(1, dc=9), DC9),
        (lambda tg: tg.drop_connections(dc=9), DC9),
        (lambda tg: tg.rotate_salts(9), DC9),
        (lambda tg: tg.force_migrate(SEND, 9), DC9),
        (lambda tg: tg.force_migrate(SEND, 2, kind="CHAT"), "kind must be one of"),
        (lambda tg: tg.force_error(SEND, 500, "X", times=0), "times must be at least 1"),
        (lambda tg: tg.drop_after(0), "n_messages must be at least 1"),
        (lambda tg: tg.set_latency(-1), "cannot be negative"),
        (lambda tg: tg.revoke(), "exactly one of"),
        (lambda tg: tg.revoke(user_id=1, auth_key_id=2), "exactly one of"),
    ],
)
def test_fault_controls_refuse_what_cannot_work(control: Any, problem: str) -> None:
    tg = Sandbox(rsa_key=KEY, world=DoubleWorld())
    with pytest.raises(ValueError, match=problem):
        control(tg)
