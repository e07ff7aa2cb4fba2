"""docs/requirements.md, end to end: its three processes (connecting a new client, restoring an authorized
client from a session string, authorization with a code and 2FA) and its eight errors, each raised by
tgfleet.Client from the situation that causes it on a real multi-DC sandbox over loopback.

Every step of a process is asserted from what can be observed: the client's state changes and storage, and
the sandbox's auth keys, connections, authorizations and the API calls its world handled.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.clock import FakeClock
from tgfleet import ConnectionState, RateLimits
from tgfleet.client.session_strings import SessionData, decode_session_string, export_pyrogram
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.enums import NextCodeType, SentCodeType
from tgfleet.errors import (
    AuthKeyUnregistered,
    BadRequest,
    FloodWait,
    MessageEmpty,
    PasswordHashInvalid,
    PhoneCodeExpired,
    PhoneCodeInvalid,
    PhoneNumberInvalid,
    SessionPasswordNeeded,
)
from tgfleet.sandbox import Limits, Rate, Sandbox
from tgfleet.sandbox.accounts import SERVICE_USER_ID
from tgfleet.tl import functions

from ..client.helpers import StateLog, logged_in, make_client
from .helpers import recording, sandbox

CONNECTING, CONNECTED = ConnectionState.CONNECTING, ConnectionState.CONNECTED
DISCONNECTED, FAILED = ConnectionState.DISCONNECTED, ConnectionState.FAILED
PROMPTLY = 5.0
"""Seconds within which a failure must surface (the clients it bounds have a 60 s call timeout)."""


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def _keys(tg: Sandbox) -> dict[int, set[int]]:
    return {dc: set(tg.auth_key_ids(dc)) for dc in tg.dc_ids}


# --- the three processes ----------------------------------------------------------------------------------------


async def test_process_connect_a_new_client() -> None:
    """App → Client.connect() → Session.start() → Connection: TCP, initial handshake → connected → ready."""
    async with sandbox() as tg:
        before = _keys(tg)
        client = make_client(tg, timeout=60.0)
        log = StateLog(client)
        assert client.state is DISCONNECTED and not client.is_connected

        assert await client.connect() is False  # ready, not logged in yet
        assert log.states == [CONNECTING, CONNECTED] and client.is_connected
        home = tg.network.default_dc
        assert all(c.dc_id == home for c in log.changes)
        # the initial handshake made exactly one new auth key, on the home DC, and the client stored it
        after = _keys(tg)
        new = after[home] - before[home]
        assert client.storage is not None
        key = client.storage.get_auth_key(home)
        assert key is not None and len(key) == 256 and new == {auth_key_id(key)}
        assert all(after[dc] == before[dc] for dc in tg.dc_ids if dc != home)
        open_connections = tg.stats()["connections"]
        assert open_connections[home] == 1 and sum(open_connections.values()) == 1  # one, to the home DC only
        # the first call on the connection fetched the DC configuration (stored for later connections)
        ports = {o.port for o in client.storage.get_dc_options()}
        assert ports == {a.port for a in tg.dc_addresses}

        await client.disconnect()
        assert log.states[-1] is DISCONNECTED and not client.is_connected


async def test_process_restore_an_authorized_client_from_a_session_string() -> None:
    """Client → Session: decode session_string → load auth_key → DC: get config → Telegram verifies →
    auth_key checked → connection ready. No new key is made."""
    async with sandbox() as tg:
        world = recording(tg)
        alice = tg.add_user(phone="+15551000001", first_name="Alice", dc=3)
        first = await logged_in(tg, alice.phone, "first")
        session_string = await first.export_session_string()
        await first.disconnect()

        data = decode_session_string(session_string)  # what the string carries
        assert (data.format, data.dc_id, data.api_id, data.user_id) == ("pyrogram-362", 3, tg.api_id, alice.id)
        keys_before, mark = _keys(tg), len(world.calls)

        client = make_client(tg, "restored", session_string=session_string, api_hash=None, timeout=60.0)
        log = StateLog(client)
        assert await client.connect() is True  # logged in, ready
        assert log.states == [CONNECTING, CONNECTED]
        assert client.storage is not None
        assert client.storage.get_auth_key(3) == data.auth_key  # the key was loaded from the string...
        assert _keys(tg) == keys_before  # ...and used as is: no handshake, no new key anywhere
        assert log.changes[-1].dc_id == 3 and tg.stats()["connections"][3] == 1  # straight to the string's DC
        assert {o.port for o in client.storage.get_dc_options()} == {a.port for a in tg.dc_addresses}  # config
        # the auth key was verified by the server: the first API call the world saw on it asked who we are
        calls = world.calls_of(auth_key_id(data.auth_key), since=mark)
        assert calls[:1] == ["users.getUsers"]
        assert client.storage.get_user_id() == alice.id
        assert (await client.get_me()).id == alice.id
        await client.disconnect()


async def test_process_authorization_with_code_and_2fa() -> None:
    """send_code(phone) → auth.sendCode → phone_code_hash → SentCode; sign_in(code) → auth.signIn → User
    (with 2FA: SessionPasswordNeeded → check_password → User)."""
    async with sandbox() as tg:
        world = recording(tg)
        alice = tg.add_user(phone="+15551000011", first_name="Alice", username="alice_auth", dc=2)
        bob = tg.add_user(phone="+15551000012", first_name="Bob", password="secret", dc=2)

        client = make_client(tg)
        await client.connect()
        assert client.storage is not None
        key_id = auth_key_id(client.storage.get_auth_key(2) or b"")
        sent = await client.send_code(alice.phone)
        assert isinstance(sent.phone_code_hash, str) and sent.phone_code_hash
        assert (sent.type, sent.next_type, sent.timeout) == (SentCodeType.SMS, NextCodeType.CALL, 60)
        code = tg.login_code(alice.phone)
        assert code in tg.messages_of(alice.id, SERVICE_USER_ID)[-1].text  # Telegram's service message
        user = await client.sign_in(alice.phone, sent.phone_code_hash, code)
        assert (user.id, user.first_name, user.username, user.is_self) == (alice.id, "Alice", "alice_auth", True)
        assert user.phone_number == alice.phone
        assert world.calls_of(key_id)[:2] == ["auth.sendCode", "auth.signIn"]
        assert [a.user_id for a in world.authorizations_of(alice.id)] == [alice.id]
        assert client.storage.get_user_id() == alice.id
        assert len(await client.export_session_string()) == 362
        await client.disconnect()

        # a second login of the same account: the code now goes to the app where it is logged in
        again = make_client(tg, "again")
        await again.connect()
        assert (await again.send_code(alice.phone)).type is SentCodeType.APP
        await again.disconnect()

        # with 2FA: the code is right, the server asks for the password, SRP proves it
        client = make_client(tg, "bob")
        await client.connect()
        sent = await client.send_code(bob.phone)
        with pytest.raises(SessionPasswordNeeded):
            await client.sign_in(bob.phone, sent.phone_code_hash, tg.login_code(bob.phone))
        assert world.authorizations_of(bob.id) == []  # not logged in yet
        user = await client.check_password("secret")
        assert user.id == bob.id and client.storage is not None and client.storage.get_user_id() == bob.id
        assert (await client.get_me()).id == bob.id
        await client.disconnect()


# --- the eight errors -------------------------------------------------------------------------------------------


async def test_bad_request_is_what_the_server_answers_to_a_malformed_request() -> None:
    async with sandbox(dcs=1) as tg:
        world = recording(tg)
        alice = tg.add_user(phone="+15551000021", first_name="Alice", dc=1)
        client = await logged_in(tg, alice.phone)
        mark = len(world.calls)
        # whitespace sent as it is (entities given: no markup parsed, which would strip it) passes the
        # client's own check (non-empty), the server answers 400 MESSAGE_EMPTY
        with pytest.raises(BadRequest) as empty:
            await client.send_message("me", "   ", entities=[])
        assert isinstance(empty.value, MessageEmpty) and empty.value.code == 400
        assert "messages.sendMessage" in [name for _, name in world.calls[mark:]]  # it reached the server
        # a 400 the client has never heard of is still a BadRequest
        tg.force_error(functions.messages.SendMessage, 400, "SOMETHING_NEW_INVALID")
        with pytest.raises(BadRequest) as unknown:
            await client.send_message("me", "hello")
        assert type(unknown.value) is BadRequest and unknown.value.ID == "SOMETHING_NEW_INVALID"
        assert tg.messages_of(alice.id, alice.id) == []  # nothing was delivered
        await client.disconnect()


async def test_flood_wait_forced_over_the_sleep_threshold() -> None:
    async with sandbox(dcs=1) as tg:
        alice = tg.add_user(phone="+15551000031", first_name="Alice", dc=1)
        client = await logged_in(tg, alice.phone, sleep_threshold=5, timeout=60.0)
        tg.force_flood(functions.messages.SendMessage, 30)
        with pytest.raises(FloodWait) as flood:  # raised, not slept
            await asyncio.wait_for(client.send_message("me", "too soon"), PROMPTLY)
        assert flood.value.value == 30 and flood.value.error_message == "FLOOD_WAIT_30"
        await client.disconnect()


async def test_flood_wait_from_the_sandbox_rate_limit() -> None:
    """The sandbox's own token bucket (3 messages a minute here) and a client that does not limit itself."""
    limits = Limits(messages=Rate(3, per=60))
    async with Sandbox(dcs=1, limits=limits) as tg:
        alice = tg.add_user(phone="+15551000041", first_name="Alice", dc=1)
        client = await logged_in(tg, alice.phone, sleep_threshold=5, rate_limits=RateLimits.disabled())
        for i in range(3):
            await client.send_message("me", f"m{i}")
        with pytest.raises(FloodWait) as flood:
            await client.send_message("me", "one too many")
        assert flood.value.value == 20  # a token comes back every 60/3 s
        assert [m.text for m in tg.messages_of(alice.id, alice.id)] == ["m0", "m1", "m2"]
        await client.disconnect()


async def test_phone_code_expired() -> None:
    clock = FakeClock()
    async with sandbox(dcs=1, clock=clock, code_lifetime=300) as tg:
        alice = tg.add_user(phone="+15551000051", first_name="Alice", dc=1)
        client = make_client(tg)
        await client.connect()
        # a code past its lifetime
        sent = await client.send_code(alice.phone)
        code = tg.login_code(alice.phone)
        clock.advance(301)
        with pytest.raises(PhoneCodeExpired):
            await client.sign_in(alice.phone, sent.phone_code_hash, code)
        # a code whose hash a newer send_code replaced
        old = await client.send_code(alice.phone)
        new = await client.send_code(alice.phone)
        with pytest.raises(PhoneCodeExpired):
            await client.sign_in(alice.phone, old.phone_code_hash, tg.login_code(alice.phone))
        assert (await client.sign_in(alice.phone, new.phone_code_hash, tg.login_code(alice.phone))).id == alice.id
        await client.disconnect()


async def test_phone_code_invalid() -> None:
    async with sandbox(dcs=1) as tg:
        alice = tg.add_user(phone="+15551000061", first_name="Alice", dc=1)
        client = make_client(tg)
        await client.connect()
        sent = await client.send_code(alice.phone)
        code = tg.login_code(alice.phone)
        with pytest.raises(PhoneCodeInvalid):
            await client.sign_in(alice.phone, sent.phone_code_hash, _wrong(code))
        assert (await client.sign_in(alice.phone, sent.phone_code_hash, code)).id == alice.id  # still live
        await client.disconnect()


@pytest.mark.parametrize("phone", ["+12", "not a phone", "+1234567890123456789"])
async def test_phone_number_invalid(phone: str) -> None:
    async with sandbox(dcs=1) as tg:
        client = make_client(tg)
        await client.connect()
        with pytest.raises(PhoneNumberInvalid) as invalid:
            await client.send_code(phone)
        assert invalid.value.code == 400
        assert [name for _, name in recording(tg).calls] == ["auth.sendCode"]  # the server said so
        await client.disconnect()


async def test_session_password_needed_and_password_hash_invalid() -> None:
    async with sandbox(dcs=1) as tg:
        bob = tg.add_user(phone="+15551000071", first_name="Bob", password="right horse", dc=1)
        client = make_client(tg)
        await client.connect()
        sent = await client.send_code(bob.phone)
        with pytest.raises(SessionPasswordNeeded) as needed:
            await client.sign_in(bob.phone, sent.phone_code_hash, tg.login_code(bob.phone))
        assert needed.value.code == 401
        with pytest.raises(PasswordHashInvalid):
            await client.check_password("wrong horse")
        assert recording(tg).authorizations_of(bob.id) == []
        assert (await client.check_password("right horse")).id == bob.id  # the login is still pending
        await client.disconnect()


async def test_auth_key_unregistered_when_restoring_a_revoked_session() -> None:
    """The recipe of docs/requirements.md §6: restore; on AuthKeyUnregistered drop the string and log in again."""
    async with sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15551000081", first_name="Alice", dc=2)
        first = await logged_in(tg, alice.phone, "first")
        session_string = await first.export_session_string()
        await first.disconnect()
        assert tg.revoke(user_id=alice.id) == 1  # e.g. "terminate all other sessions" from another device

        client = make_client(tg, "restored", session_string=session_string, timeout=60.0)
        log = StateLog(client)
        with pytest.raises(AuthKeyUnregistered):  # one bounded call, no retries: never the 60 s timeout
            await asyncio.wait_for(client.connect(), PROMPTLY)
        assert client.state is FAILED and log.states[-1] is FAILED
        assert not client.storage.is_open and tg.stats()["connections"][2] == 0  # closed, nothing left open

        fresh = await logged_in(tg, alice.phone, "fresh")  # session_string = None: authorize again
        assert (await fresh.get_me()).id == alice.id
        await fresh.disconnect()


async def test_a_key_the_server_never_knew_fails_promptly_too() -> None:
    """A string whose key the server has no record of at all gets the transport error -404 (no auth key);
    connect() raises AuthKeyUnregistered for it too, so the recipe of docs/requirements.md §6 catches
    both cases."""
    async with sandbox(dcs=2) as tg:
        made_up = SessionData("pyrogram-362", 2, bytes(range(256)), False, tg.api_id, 1_000_000_001, False)
        client = make_client(tg, "made-up", session_string=export_pyrogram(made_up), timeout=60.0)
        with pytest.raises(AuthKeyUnregistered) as failed:
            await asyncio.wait_for(client.connect(), PROMPTLY)
        assert "-404" in str(failed.value) and client.state is FAILED


def test_the_eight_errors_keep_pyrogram_names() -> None:
    import tgfleet.errors as errors

    names = ["BadRequest", "FloodWait", "PhoneCodeExpired", "PhoneCodeInvalid", "PhoneNumberInvalid"]
    names += ["SessionPasswordNeeded", "AuthKeyUnregistered", "PasswordHashInvalid"]
    assert all(issubclass(getattr(errors, n), errors.RPCError) for n in names)
