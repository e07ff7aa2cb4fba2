"""``Client(pfs=True)`` against the sandbox (https://core.telegram.org/api/pfs): it logs in and works on a bound
temporary key while the permanent key never goes on the wire; the session (and its string) keeps only the
permanent key, and a client restored from one binds a new temporary key; every message sent across three
key renewals with calls in flight arrives exactly once; a permanent key the server does not know fails
``connect()`` with AuthKeyUnregistered, as without PFS."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.client.helpers import StateLog, logged_in, make_client
from tests.clock import FakeClock
from tests.relay import Relay
from tests.sandbox.server_wire import eventually
from tgfleet import ConnectionState
from tgfleet.client.session_strings import decode_session_string
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import AuthKeyUnregistered, ConfigurationError
from tgfleet.mtproto.pfs import RENEW_AFTER
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.keys import KeyInfo
from tgfleet.tl import functions, types

PHONE = "+15550100001"
PROMPTLY = 15.0


def keys_of(tg: Sandbox, dc: int, auth_key: bytes) -> tuple[KeyInfo, list[KeyInfo]]:
    """The permanent key ``auth_key`` as ``dc`` knows it, and the temporary keys bound to it now."""
    perm_id = AuthKey(auth_key).key_id
    keys = tg.keys(dc)
    [perm] = [k for k in keys if k.key_id == perm_id]
    return perm, [k for k in keys if k.bound_to == perm_id]


async def test_a_pfs_client_logs_in_and_calls_on_a_temporary_key_only() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone=PHONE, first_name="Alice", dc=2)
        client = await logged_in(tg, PHONE, pfs=True)
        await client.send_message("me", "hello")
        me = await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]))
        assert me[0].id == alice.id and [m.text for m in tg.messages_of(alice.id)][-1] == "hello"
        other = await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), dc_id=1)  # exported
        assert other[0].id == alice.id
        assert client.storage is not None
        for dc in (2, 1):
            stored = client.storage.get_auth_key(dc)
            assert stored is not None  # the permanent key: the temporary one is never stored
            perm, [temp] = keys_of(tg, dc, stored)
            assert perm.packets == 0 and temp.packets > 0  # never on the wire, on either DC
        string = decode_session_string(await client.export_session_string())
        assert string.auth_key == client.storage.get_auth_key(2)
        await client.disconnect()


async def test_a_session_string_restores_into_a_pfs_client_that_binds_a_new_temporary_key() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone=PHONE, first_name="Alice", dc=2)
        plain = await logged_in(tg, PHONE)  # made without PFS: its key has been on the wire
        string = await plain.export_session_string()
        await plain.disconnect()
        key = decode_session_string(string).auth_key
        before, [] = keys_of(tg, 2, key)
        client = make_client(tg, "restored", session_string=string, pfs=True)
        assert await client.connect()  # logged in: the restored key's login, through a temporary key
        await client.send_message("me", "restored")
        after, [temp] = keys_of(tg, 2, key)
        assert after.packets == before.packets and temp.packets > 0
        assert [m.text for m in tg.messages_of(alice.id)][-1] == "restored"
        await client.disconnect()


async def test_messages_sent_across_three_key_renewals_with_calls_in_flight_arrive_exactly_once() -> None:
    clock = FakeClock()
    async with Sandbox(dcs=1, default_dc=1, clock=clock) as tg:
        alice = tg.add_user(phone=PHONE, first_name="Alice", dc=1)
        async with Relay(tg.dc_addresses[0]) as relay:
            client = await logged_in(tg, PHONE, network=relay.network(tg.network), pfs=True, clock=clock)
            log = StateLog(client)
            sent: list[str] = []
            temps = set()
            key = client.storage.get_auth_key(1) if client.storage is not None else None
            assert key is not None  # the permanent key: it stays the same throughout
            for renewal in range(3):
                temps.add(keys_of(tg, 1, key)[1][0].key_id)
                before, changes = relay.from_clients, len(log.changes)
                # the second time the server runs the calls and their answers are lost; else it never sees them
                held = renewal == 1
                if held:
                    tg.freeze(1)
                else:
                    assert relay.deafen() == 1
                texts = [f"renewal {renewal}: {i}" for i in range(3)]
                in_flight = [asyncio.ensure_future(client.send_message("me", text)) for text in texts]
                await within(relay.sent(before), PROMPTLY)  # they went out under the old key
                if held:  # and the server ran them (their answers are held back, and will be lost)
                    await eventually(lambda texts=texts: sum(m.text in texts for m in tg.messages_of(alice.id)) == 3)
                clock.advance(86400 * RENEW_AFTER)  # the key is due: the next write ends the connection
                texts.append(f"renewal {renewal}: after")
                in_flight.append(asyncio.ensure_future(client.send_message("me", texts[-1])))
                await log.wait_for(ConnectionState.DISCONNECTED, after=changes, timeout=PROMPTLY)
                if held:
                    tg.thaw(1)
                await within(asyncio.gather(*in_flight), PROMPTLY)
                sent += texts
            temps.add(keys_of(tg, 1, key)[1][0].key_id)
            arrived = [m.text for m in tg.messages_of(alice.id) if m.text.startswith("renewal")]
            assert sorted(arrived) == sorted(sent)  # none lost, none twice
            assert len(temps) == 4 and keys_of(tg, 1, key)[0].packets == 0
            assert ConnectionState.FAILED not in log.states
            await client.disconnect()


async def test_a_permanent_key_the_server_does_not_know_fails_connect_as_without_pfs() -> None:
    async with Sandbox(dcs=2) as tg:
        tg.add_user(phone=PHONE, first_name="Alice", dc=2)
        plain = await logged_in(tg, PHONE)
        string = await plain.export_session_string()
        await plain.disconnect()
        async with Sandbox(dcs=2) as elsewhere:  # another Telegram: it never saw that key
            for pfs in (False, True):
                client = make_client(elsewhere, f"pfs={pfs}", session_string=string, pfs=pfs)
                with pytest.raises(AuthKeyUnregistered):
                    await within(client.connect(), PROMPTLY)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"pfs": "yes"}, TypeError),
        ({"pfs": True, "temp_key_lifetime": 0}, ConfigurationError),
        ({"pfs": True, "temp_key_lifetime": 2**31}, ConfigurationError),
        ({"pfs": True, "temp_key_lifetime": 60.5}, TypeError),
    ],
)
def test_pfs_settings_that_cannot_work_fail_at_once(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        make_client_offline(**options)


def make_client_offline(**options: object) -> object:
    from tgfleet import Client

    return Client("x", api_id=1, api_hash=os.urandom(16).hex(), in_memory=True, **options)  # type: ignore[arg-type]
