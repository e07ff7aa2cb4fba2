"""Updates pushed by the world reach the recipient's online, subscribed sessions on the wire."""

from __future__ import annotations

import pytest

from tgfleet.mtproto.session import Update
from tgfleet.tl import functions, types

from .server_double import DoubleWorld
from .server_wire import WireClient, connected, running


def _send(peer: int, text: str) -> functions.messages.SendMessage:
    return functions.messages.SendMessage(
        peer=types.InputPeerUser(user_id=peer, access_hash=0), message=text, random_id=hash(text) & 0xFFFFFF
    )


async def _user(tg: object, world: DoubleWorld, user_id: int, *, subscribe: bool = True) -> WireClient:
    client = await connected(tg)  # type: ignore[arg-type]
    assert client.auth is not None
    world.users[client.auth.auth_key_id] = user_id
    call = functions.users.GetUsers(id=[types.InputUserSelf()])
    await client.invoke(call if subscribe else functions.InvokeWithoutUpdates(query=call))
    return client


async def _nothing_pushed(client: WireClient) -> None:
    """A ping round trip: an update pushed before it would arrive before the pong (same connection)."""
    await client.invoke(functions.help.GetNearestDc())
    assert not client.updates()


async def test_push_reaches_the_recipient_but_not_the_sender_key() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice, bob = await _user(tg, world, 1), await _user(tg, world, 2)
        await alice.invoke(_send(2, "hello bob"))
        update = await bob.wait_update()
        assert isinstance(update, types.UpdateShortMessage) and update.message == "hello bob"
        assert update.user_id == 1
        await alice.invoke(_send(1, "note to self"))  # the sender's own key is excluded
        await _nothing_pushed(alice)


async def test_sessions_without_updates_get_nothing() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice = await _user(tg, world, 1)
        quiet = await _user(tg, world, 2, subscribe=False)
        await alice.invoke(_send(2, "anyone?"))
        await _nothing_pushed(quiet)
        unauthorized = await connected(tg)  # a key not logged in never subscribes
        await _nothing_pushed(unauthorized)


async def test_updates_wait_for_a_session_that_lost_its_connection() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice, bob = await _user(tg, world, 1), await _user(tg, world, 2)
        await bob.close()
        await alice.invoke(_send(2, "while you were away"))
        back = await WireClient.connect(tg.network.address(2))
        back.session = bob.session
        await back.invoke(functions.help.GetNearestDc())
        update = await back.wait_update()
        assert update.message == "while you were away"


async def test_revoked_keys_stop_getting_updates() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice, bob = await _user(tg, world, 1), await _user(tg, world, 2)
        tg.revoke(user_id=2)
        await alice.invoke(_send(2, "gone"))
        await _nothing_pushed(bob)


@pytest.mark.parametrize("count", [3])
async def test_every_session_of_the_user_gets_the_update(count: int) -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        alice = await _user(tg, world, 1)
        bobs = [await _user(tg, world, 2) for _ in range(count)]
        await alice.invoke(_send(2, "to all your devices"))
        for bob in bobs:
            assert (await bob.wait_update()).message == "to all your devices"
        assert all(isinstance(e, Update) is False for e in alice.events)
