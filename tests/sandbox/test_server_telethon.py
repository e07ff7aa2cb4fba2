"""Interop: Telethon 1.45 (an independent client; test-only dependency) against the sandbox.

Nothing in Telethon is patched: its session is pointed at a listener and the sandbox's public key is
added the way Telethon documents for custom servers (``telethon.crypto.rsa.add_key``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tgfleet.crypto.kdf import AuthKey
from tgfleet.sandbox import Sandbox

from .server_wire import KEY, TIMEOUT, running

telethon = pytest.importorskip("telethon", minversion="1.45")

from telethon import TelegramClient, functions  # noqa: E402
from telethon.crypto import rsa  # noqa: E402
from telethon.network import connection  # noqa: E402
from telethon.sessions import MemorySession  # noqa: E402

CONNECTIONS = [
    connection.ConnectionTcpFull,
    connection.ConnectionTcpAbridged,
    connection.ConnectionTcpIntermediate,
    connection.ConnectionTcpObfuscated,
]


def _client(tg: Sandbox, dc: int, connection_type: Any) -> TelegramClient:
    rsa.add_key(tg.public_key_pem, old=False)
    session = MemorySession()
    address = tg.network.address(dc)
    session.set_dc(dc, address.host, address.port)
    return TelegramClient(
        session, tg.api_id, tg.api_hash, connection=connection_type, receive_updates=False, connection_retries=1
    )  # one retry: Telethon drops the shared key's leading zero bytes, so 1 key exchange in 256 fails on its side


@pytest.mark.parametrize("connection_type", CONNECTIONS, ids=lambda c: c.__name__)
async def test_telethon_gets_the_config(connection_type: Any) -> None:
    async with running() as tg:
        client = _client(tg, 2, connection_type)
        await asyncio.wait_for(client.connect(), TIMEOUT)
        try:
            config = await asyncio.wait_for(client(functions.help.GetConfigRequest()), TIMEOUT)
            assert config.this_dc == 2
            assert sorted(o.port for o in config.dc_options) == sorted(a.port for a in tg.dc_addresses)
            nearest = await asyncio.wait_for(client(functions.help.GetNearestDcRequest()), TIMEOUT)
            assert (nearest.country, nearest.this_dc) == ("XX", 2)
            assert not await client.is_user_authorized()
            used = AuthKey(client.session.auth_key.key).key_id  # tgfleet's id (Telethon's is unsigned)
        finally:
            await client.disconnect()
        assert used in tg.auth_key_ids(2)  # the key it made is the server's (a retried exchange may leave a second)


async def test_telethon_against_the_real_world() -> None:
    world = pytest.importorskip("tgfleet.sandbox.world")
    async with Sandbox(rsa_key=KEY) as tg:
        assert isinstance(tg.world, world.World)
        client = _client(tg, 2, connection.ConnectionTcpFull)
        await asyncio.wait_for(client.connect(), TIMEOUT)
        try:
            config = await asyncio.wait_for(client(functions.help.GetConfigRequest()), TIMEOUT)
            assert config.this_dc == 2
        finally:
            await client.disconnect()


async def test_telethon_logs_in_and_sends_a_message() -> None:
    pytest.importorskip("tgfleet.sandbox.world")
    async with Sandbox(rsa_key=KEY) as tg:
        alice = tg.add_user("+15550100001", "Alice", username="alice_w", dc=2)
        bob = tg.add_user("+15550100002", "Bob", username="bob_builder", dc=2)
        client = _client(tg, 2, connection.ConnectionTcpFull)
        await asyncio.wait_for(client.connect(), TIMEOUT)
        try:
            await asyncio.wait_for(client.send_code_request(alice.phone), TIMEOUT)
            me = await asyncio.wait_for(client.sign_in(alice.phone, tg.login_code(alice.phone)), TIMEOUT)
            assert me.id == alice.id
            await asyncio.wait_for(client.send_message("bob_builder", "hello from telethon"), TIMEOUT)
        finally:
            await client.disconnect()
        assert [m.text for m in tg.messages_of(bob.id) if m.sender_id == alice.id] == ["hello from telethon"]
