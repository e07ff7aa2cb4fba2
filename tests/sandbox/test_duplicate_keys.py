"""AUTH_KEY_DUPLICATED over raw connections (``duplicate_keys.py``): a logged-in key's message on an older connection
that is still open after the key was used on a newer one logs the key out, and the next call on each of the two
connections is answered AUTH_KEY_DUPLICATED (counted in ``stats()``); a reconnect, a half-open connection that sends
nothing more, a key not logged in, a replayed packet and the rule switched off never do."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tgfleet.sandbox.contract import CallContext
from tgfleet.tl import functions, types

from .server_double import DoubleWorld
from .server_wire import WireClient, connected, eventually, init, on_key, running

ME = functions.users.GetUsers(id=[types.InputUserSelf()])


async def logged_in(world: DoubleWorld, tg) -> WireClient:  # type: ignore[no-untyped-def]
    client = await connected(tg)
    assert client.auth is not None
    world.users[client.auth.auth_key_id] = 42
    await client.invoke(ME)
    return client


async def two_connections(world: DoubleWorld, tg) -> tuple[WireClient, WireClient, int]:  # type: ignore[no-untyped-def]
    """A logged-in key's first connection and a newer one it was used on (as after a reconnect); the key id."""
    first = await logged_in(world, tg)
    assert first.auth is not None
    second = await on_key(tg, first.auth)
    await second.invoke(ME)
    return first, second, first.auth.auth_key_id


async def test_an_older_connection_used_after_a_newer_one_gets_auth_key_duplicated_and_so_does_the_newer() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        first, second, key_id = await two_connections(world, tg)  # nothing wrong yet
        assert tg.stats()["auth_key_duplicated"] == 0

        error = await first.rpc_error(ME)  # the older one, still open, used again: two connections at once
        assert (error.code, error.ID) == (406, "AUTH_KEY_DUPLICATED")
        assert world.revoked == [key_id]  # the authorization is invalidated at once
        error = await second.rpc_error(ME)
        assert (error.code, error.ID) == (406, "AUTH_KEY_DUPLICATED")
        assert tg.stats()["auth_key_duplicated"] == 2

        error = await first.rpc_error(ME)  # each connection got it once; now the key is simply logged out
        assert error.ID == "AUTH_KEY_UNREGISTERED"
        assert first.auth is not None
        third = await on_key(tg, first.auth)
        assert (await third.rpc_error(ME)).ID == "AUTH_KEY_UNREGISTERED"
        assert tg.stats()["auth_key_duplicated"] == 2


async def test_a_reconnect_and_a_half_open_connection_that_sends_nothing_more_are_not_duplicates() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        first = await logged_in(world, tg)
        assert first.auth is not None
        await first.close()  # closed, then a new connection: a reconnect
        second = await on_key(tg, first.auth)
        await second.invoke(ME)
        # ``second`` stays open and is never used again: a half-open connection the server has not noticed
        for _ in range(3):
            newer = await on_key(tg, first.auth)
            await newer.invoke(ME)
            await newer.invoke(ME)
        assert len(tg.connections(2)) >= 2  # the half-open one (and the last newer one) still open
        assert tg.stats()["auth_key_duplicated"] == 0 and world.revoked == []


async def test_a_request_that_arrived_before_the_newer_connection_was_used_is_no_offence_when_handled_after() -> None:
    world = DoubleWorld()
    release = asyncio.Event()

    async def slow(ctx: CallContext, request: Any) -> bool:
        await release.wait()
        return True

    world.handlers[functions.account.UpdateStatus] = slow
    async with running(world) as tg:
        first = await logged_in(world, tg)
        assert first.auth is not None
        stuck = first.send(functions.account.UpdateStatus(offline=False))  # holds the connection's handler
        late = first.send(ME)  # read from the socket now, handled only after the slow call
        second = await on_key(tg, first.auth)  # the client gave up on the first connection and moved on
        await second.invoke(ME)
        release.set()
        await first.results([stuck, late])
        await second.invoke(ME)
        assert tg.stats()["auth_key_duplicated"] == 0 and world.revoked == []


async def test_a_request_sent_on_the_older_connection_just_before_closing_it_is_an_offence() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        first, second, key_id = await two_connections(world, tg)
        first.send(ME)
        await first.close()  # the client closes it at once: the request still used the key on two connections
        await eventually(lambda: world.revoked == [key_id])
        assert (await second.rpc_error(ME)).ID == "AUTH_KEY_DUPLICATED"


async def test_a_key_that_is_not_logged_in_may_use_two_connections() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        first = await connected(tg)
        assert first.auth is not None
        second = await on_key(tg, first.auth)
        await second.invoke(functions.help.GetConfig())
        await first.invoke(functions.help.GetConfig())
        await second.invoke(functions.help.GetConfig())
        assert tg.stats()["auth_key_duplicated"] == 0


async def test_a_replayed_packet_on_a_new_connection_does_not_make_the_owners_connection_the_older_one() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        owner = await logged_in(world, tg)
        assert owner.auth is not None and owner.session is not None
        request = owner.session.send(ME)
        packet = owner.session.data_to_send(time.time())
        assert packet is not None
        owner.send_payload(packet)  # the packet an eavesdropper captured
        await owner.results([request])
        replay = await WireClient.connect(tg.network.address(2))
        replay.send_payload(packet)  # refused as a duplicate msg_id: not a use of the key
        await owner.invoke(ME)
        await owner.invoke(ME)
        assert tg.stats()["auth_key_duplicated"] == 0 and world.revoked == []


async def test_switched_off_the_rule_only_observes() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        tg.detect_duplicate_keys(False)
        first, second, _ = await two_connections(world, tg)
        await first.invoke(ME)
        await second.invoke(ME)
        assert tg.stats()["auth_key_duplicated"] == 0 and world.revoked == []
        assert len(tg.key_use.overlaps()) == 1
        tg.detect_duplicate_keys(True)
        assert (await first.rpc_error(init(ME))).ID == "AUTH_KEY_DUPLICATED"
