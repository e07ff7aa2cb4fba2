"""The DC pool against a 3-DC sandbox: a sender for another DC that ended FAILED is dropped, so the next call
there makes a new one (with a new key and a new import of the login when the server refused the old key); the
DC list of help.getConfig replaces the addresses of
Telegram's own networks (a ``Network`` named "production" that points at the sandbox), live and from the
stored list at the next start; a network the caller described keeps its addresses."""

from __future__ import annotations

import asyncio

import pytest

from tests.loopback import LoopbackServer, pipe
from tgfleet import ConnectionState
from tgfleet.errors import AuthKeyDuplicated, ConnectionFailed
from tgfleet.net import DcAddress, Network
from tgfleet.net.retry import RetryPolicy
from tgfleet.sandbox.server import Sandbox
from tgfleet.storage import MemoryStorage
from tgfleet.tl import functions, types

from .helpers import closed_port, logged_in, make_client

GET_SELF = functions.users.GetUsers(id=[types.InputUserSelf()])
SOON = RetryPolicy(initial=0.01, maximum=0.02, max_attempts=2)
"""Gives up after two refused connections: a DC that cannot be reached fails in milliseconds."""


class Gate(LoopbackServer):
    """A loopback front of one DC that refuses connections (closes them at once) until ``opened``."""

    def __init__(self, upstream: DcAddress) -> None:
        super().__init__()
        self.upstream = upstream
        self.opened = False
        self.accepted = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if not self.opened:
            return
        up_reader, up_writer = await asyncio.open_connection(self.upstream.host, self.upstream.port)
        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            up_writer.close()


def network(tg: Sandbox, name: str, **hosts: DcAddress) -> Network:
    """The sandbox's keys and addresses under ``name``, with ``dc1=``... replacing some addresses."""
    addresses = tuple(hosts.get(f"dc{a.dc_id}", a) for a in tg.dc_addresses)
    return Network(addresses, tg.network.public_keys, False, 2, name)


def nowhere(dc_id: int) -> DcAddress:
    return DcAddress(dc_id, "127.0.0.1", closed_port())


async def test_a_failed_sender_for_another_dc_is_replaced_by_the_next_call() -> None:
    async with Sandbox(dcs=3) as tg, Gate(tg.dc_addresses[2]) as gate:
        user = tg.add_user(phone="+15550140001", first_name="Ola", dc=2)
        described = network(tg, "gated", dc3=DcAddress(3, "127.0.0.1", gate.port))
        client = await logged_in(tg, user.phone, network=described, retry=SOON)
        with pytest.raises(ConnectionFailed):  # DC 3 refuses every connection: its sender gives up
            await client.invoke(GET_SELF, dc_id=3)
        assert client.state is ConnectionState.CONNECTED  # the home DC is not concerned

        gate.opened = True
        before = gate.accepted
        [me] = await client.invoke(GET_SELF, dc_id=3)  # a new sender (the first never got through)
        assert me.id == user.id
        assert gate.accepted > before  # still through the described address (help.getConfig did not replace it)
        await client.disconnect()


async def test_a_refused_key_on_another_dc_is_replaced_with_the_login_imported_again() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550140002", first_name="Pip", dc=2)
        client = await logged_in(tg, user.phone)
        keys = len(tg.auth_key_ids(3))
        tg.force_error(functions.users.GetUsers, 406, "AUTH_KEY_DUPLICATED")
        with pytest.raises(AuthKeyDuplicated):  # DC 3's sender goes FAILED: its key must not be used again
            await client.invoke(GET_SELF, dc_id=3)
        assert len(tg.auth_key_ids(3)) == keys + 1
        [me] = await client.invoke(GET_SELF, dc_id=3)  # a new key, authorized by a new import
        assert me.id == user.id and len(tg.auth_key_ids(3)) == keys + 2
        assert client.state is ConnectionState.CONNECTED
        await client.disconnect()


async def test_telegrams_networks_use_the_dc_list_of_help_get_config() -> None:
    async with Sandbox(dcs=3) as tg:
        # as Telegram's production network, with only the home DC's bootstrap address right
        production = network(tg, "production", dc1=nowhere(1), dc3=nowhere(3))
        storage = MemoryStorage()
        client = make_client(tg, network=production, retry=SOON, storage=storage, in_memory=False)
        await client.connect()
        config = await client.invoke(functions.help.GetConfig(), dc_id=3)  # DC 3 at the address the config gave
        assert isinstance(config, types.Config)
        await client.disconnect()

        # the next start connects through the stored list (every bootstrap address is wrong now)
        stale = network(tg, "production", dc1=nowhere(1), dc2=nowhere(2), dc3=nowhere(3))
        again = make_client(tg, network=stale, retry=SOON, storage=storage, in_memory=False)
        assert await again.connect() is False
        assert again.state is ConnectionState.CONNECTED
        await again.disconnect()


class _FailingSalts(MemoryStorage):
    """A storage whose salt writes fail (a full disk, a fenced store) once ``broken`` is set."""

    broken = False

    def set_server_salt(self, dc_id: int, salt: int) -> None:
        if self.broken:
            raise OSError("no space left on device")
        super().set_server_salt(dc_id, salt)


async def test_a_storage_write_failing_at_disconnect_still_closes_every_connection() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        tg.add_user(phone="+15554000001", first_name="A", dc=1)
        storage = _FailingSalts()
        client = await logged_in(tg, "+15554000001", storage=storage, in_memory=False)
        storage.broken = True
        with pytest.raises(OSError, match="no space"):
            await client.disconnect()
        assert client.state is ConnectionState.DISCONNECTED
