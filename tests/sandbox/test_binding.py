"""Temporary keys on the sandbox, on the wire (https://core.telegram.org/api/pfs): before it is bound a temporary
key may only fetch the config; auth.bindTempAuthKey checks what only the wire shows (the call's own msg_id,
its session, the key it came on) and refuses with the documented errors; a bound key acts for its permanent
key (login, updates); a newer binding replaces it; an expired temporary key is forgotten (-404)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import TransportCodeError
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.mtproto.pfs import binding_request
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions, types

from .server_double import DoubleWorld, context_of
from .server_wire import WireClient, connected, init, running

DAY = 86400
USER = 42


async def temporary(tg: Sandbox, dc: int = 2, expires_in: int = DAY) -> WireClient:
    """A new connection with a new temporary key and a session on it, nothing sent yet."""
    client = await WireClient.connect(tg.network.address(dc))
    client.use_key(await client.handshake(dc, temp_expires_in=expires_in))
    return client


def binding(client: WireClient, perm: HandshakeResult, **changes: Any) -> Any:
    """Queue auth.bindTempAuthKey of ``client``'s key to ``perm`` (built for the msg_id it goes out under)."""
    assert client.session is not None and client.auth is not None and client.auth.expires_at is not None
    session, temp = client.session, client.auth
    args: dict[str, Any] = {"temp_key_id": temp.auth_key_id, "expires_at": temp.expires_at, "nonce": 7}
    args.update(changes)

    def build(msg_id: int) -> Any:
        fields = {"temp_session_id": session.session_id, "msg_id": msg_id, **args}
        return binding_request(AuthKey(perm.auth_key), random=os.urandom, **fields)

    request = session.send_bound(build)
    client.flush()
    return request


async def bind(client: WireClient, perm: HandshakeResult, **changes: Any) -> Any:
    (outcome,) = await client.results([binding(client, perm, **changes)])
    return outcome


async def logged_in_perm(tg: Sandbox, world: DoubleWorld) -> WireClient:
    client = await connected(tg)
    assert client.auth is not None
    world.users[client.auth.auth_key_id] = USER
    return client


def app_config() -> Any:
    return init(functions.help.GetAppConfig(hash=0))


async def test_a_bound_temporary_key_acts_for_its_permanent_key_and_only_then() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temp = await temporary(tg)
        assert isinstance(await temp.invoke(init(functions.help.GetNearestDc())), types.NearestDc)  # allowed
        refused = await temp.rpc_error(app_config())
        assert (refused.code, refused.ID) == (401, "AUTH_KEY_PERM_EMPTY")
        assert await bind(temp, perm.auth) is True
        assert context_of(await temp.invoke(app_config()))["user_id"] == USER  # the permanent key's login
        assert world.calls[-1][0].auth_key_id == perm.auth.auth_key_id
        [info] = [k for k in tg.keys(2) if temp.auth is not None and k.key_id == temp.auth.auth_key_id]
        assert info.bound_to == perm.auth.auth_key_id and info.expires_at == temp.auth.expires_at


async def test_updates_reach_a_bound_temporary_key_and_skip_the_senders_own() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temp = await temporary(tg)
        assert await bind(temp, perm.auth) is True
        await temp.invoke(app_config())  # a call with updates: the session subscribes (as user 42)
        other = await connected(tg)
        assert other.auth is not None
        world.users[other.auth.auth_key_id] = 7
        await other.invoke(app_config())
        peer = types.InputPeerUser(user_id=USER, access_hash=0)
        await other.invoke(functions.messages.SendMessage(peer=peer, message="to 42", random_id=1))
        assert (await temp.wait_update()).message == "to 42"
        peer = types.InputPeerUser(user_id=7, access_hash=0)
        await temp.invoke(functions.messages.SendMessage(peer=peer, message="to 7", random_id=2))
        assert (await other.wait_update()).message == "to 7"
        await temp.invoke(functions.help.GetNearestDc())  # answered after any push of its own
        assert temp.updates() == []  # its own message was not pushed back to it


async def test_dropping_a_users_connections_drops_those_of_its_bound_temporary_keys() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temp, unbound = await temporary(tg), await temporary(tg)
        assert await bind(temp, perm.auth) is True
        await temp.invoke(app_config())
        await unbound.invoke(init(functions.help.GetNearestDc()))
        assert tg.drop_connections(user_id=USER) == 2  # the permanent key's and the bound temporary key's


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"temp_session_id": 12345}, "ENCRYPTED_MESSAGE_INVALID"),  # not the session it came in
        ({"msg_id": 0x5E308B91C2C1F000}, "ENCRYPTED_MESSAGE_INVALID"),  # not the call's own msg_id
        ({"temp_key_id": 99}, "ENCRYPTED_MESSAGE_INVALID"),  # not the key it came on
        ({"expires_at": 2**31 - 1}, "EXPIRES_AT_INVALID"),  # beyond the key's own life
    ],
)
async def test_the_server_checks_what_the_wire_shows(changes: dict[str, Any], error: str) -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temp = await temporary(tg)
        session = temp.session
        assert session is not None and temp.auth is not None
        if "msg_id" in changes:  # a fixed msg_id in the binding message, not the one it travels under
            call = binding_request(
                AuthKey(perm.auth.auth_key), temp_key_id=temp.auth.auth_key_id, temp_session_id=session.session_id,
                expires_at=temp.auth.expires_at or 0, nonce=7, msg_id=changes["msg_id"], random=os.urandom,
            )  # fmt: skip
            refused = await temp.rpc_error(call)
        else:
            refused = await bind(temp, perm.auth, **changes)
        assert (refused.code, refused.ID) == (400, error)
        assert await bind(temp, perm.auth) is True  # the same key, bound properly, is fine


async def test_binding_is_refused_on_a_permanent_key_to_an_unknown_or_temporary_key_and_to_a_second_key() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        other = await connected(tg)
        assert perm.auth is not None and other.auth is not None
        on_perm = (await bind_on_permanent(other, perm.auth)).ID
        assert on_perm == "TEMP_AUTH_KEY_EMPTY"
        temp = await temporary(tg)
        unknown = HandshakeResult(os.urandom(256), 0, 0, 0.0, 0)
        assert (await bind(temp, unknown)).ID == "ENCRYPTED_MESSAGE_INVALID"  # no such permanent key here
        another = await temporary(tg)
        assert another.auth is not None
        assert (await bind(temp, another.auth)).ID == "ENCRYPTED_MESSAGE_INVALID"  # a temporary key is none
        assert await bind(temp, perm.auth) is True
        assert await bind(temp, perm.auth) is True  # again to the same key: fine
        assert (await bind(temp, other.auth)).ID == "TEMP_AUTH_KEY_ALREADY_BOUND"


async def bind_on_permanent(client: WireClient, perm: HandshakeResult) -> Any:
    """auth.bindTempAuthKey sent on a permanent key (as if it were the temporary one)."""
    assert client.session is not None and client.auth is not None
    fake = HandshakeResult(client.auth.auth_key, client.auth.auth_key_id, 0, 0.0, 0, DAY, 2**31 - 1)
    client.auth = fake
    return await bind(client, perm)


async def test_a_newer_binding_replaces_the_older_one() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        first, second = await temporary(tg), await temporary(tg)
        assert await bind(first, perm.auth) is True
        assert await bind(second, perm.auth) is True
        assert context_of(await second.invoke(app_config()))["user_id"] == USER
        assert (await first.rpc_error(app_config())).ID == "AUTH_KEY_PERM_EMPTY"
        bound = {k.key_id: k.bound_to for k in tg.keys(2) if k.expires_at is not None}
        assert first.auth is not None and second.auth is not None
        assert bound == {first.auth.auth_key_id: None, second.auth.auth_key_id: perm.auth.auth_key_id}


async def test_an_expired_temporary_key_is_forgotten_and_answered_404() -> None:
    clock = FakeClock()
    world = DoubleWorld()
    async with running(world, clock=clock) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temp = await temporary(tg, expires_in=60)
        assert await bind(temp, perm.auth) is True
        clock.advance(61)
        temp.send(app_config())
        with pytest.raises(TransportCodeError) as caught:
            await temp.recv_payload()
        assert caught.value.code == -404
        assert [k.key_id for k in tg.keys(2)] == [perm.auth.auth_key_id]  # the permanent key stays


async def test_expire_temp_keys_forgets_every_temporary_key_now() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        perm = await logged_in_perm(tg, world)
        assert perm.auth is not None
        temps = [await temporary(tg, dc) for dc in (1, 2, 2)]
        assert tg.expire_temp_keys(2) == 2 and tg.expire_temp_keys() == 1
        for temp in temps[1:]:
            temp.send(init(functions.help.GetNearestDc()))
            with pytest.raises(TransportCodeError):
                await temp.recv_payload()
        assert await perm.invoke(functions.help.GetNearestDc())  # the permanent key is untouched
