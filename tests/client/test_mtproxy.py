"""MTProxy in both roles over loopback: tgfleet logs in and makes 1,000 calls through the sandbox's MTProxy with
each kind of secret; a wrong secret ends at once in a clear ProxyError; a DC dropping a relayed connection is
an ordinary reconnect; a header naming a test DC (+10000) reaches that DC; Telethon (an independent MTProxy client)
logs in through the same proxy."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator

import pytest

from tgfleet import ConnectionState
from tgfleet.client.ratelimit import RateLimits
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import ConnectionFailed, ProxyError
from tgfleet.net.auth import exchange_key
from tgfleet.net.connection import Connection
from tgfleet.net.proxy import MTProxy
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Limits
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions, types

from .helpers import login, make_client

KEY = bytes.fromhex("0123456789abcdef0123456789abcdef")
SECRETS = {
    "plain": KEY.hex(),
    "dd": "dd" + KEY.hex(),
    "ee": "ee" + KEY.hex() + b"cdn.example.com".hex(),
}
UNLIMITED = Limits(requests=None, messages=None, new_account_requests=None, new_account_messages=None)
RPCS = 1000


@pytest.fixture
async def tg() -> AsyncIterator[Sandbox]:
    async with Sandbox(dcs=2, default_dc=1, limits=UNLIMITED) as sandbox:
        yield sandbox


@pytest.mark.parametrize("kind", list(SECRETS))
async def test_login_and_a_thousand_calls_through_each_kind(tg: Sandbox, kind: str) -> None:
    proxy = await tg.start_mtproxy(SECRETS[kind])
    assert proxy.proxy.kind == kind
    user = tg.add_user(phone="+15550910001", first_name="Mia", dc=2)  # on DC 2: the login migrates
    client = make_client(tg, proxy=proxy.link, rate_limits=RateLimits.disabled())
    await client.connect()
    await login(client, tg, user.phone)
    call = functions.users.GetUsers(id=[types.InputUserSelf()])
    results = await asyncio.wait_for(asyncio.gather(*(client.invoke(call) for _ in range(RPCS))), 60)
    assert len(results) == RPCS and {r[0].id for r in results} == {user.id}
    assert proxy.relayed >= 2 and proxy.rejected == 0  # both DCs were reached through the proxy only
    await client.disconnect()


@pytest.mark.parametrize("header_dc", [10002, -10002])
async def test_a_header_naming_a_test_dc_reaches_that_dc(tg: Sandbox, header_dc: int) -> None:
    proxy = await tg.start_mtproxy(SECRETS["plain"])
    conn = await Connection.open("192.0.2.1", 443, dc_id=header_dc, proxy=proxy.proxy, timeout=10)
    try:
        made = await within(exchange_key(conn, tg.network, 2, clock=time.time), 30)
    finally:
        await conn.aclose()
    assert AuthKey(made.auth_key).key_id in tg.auth_key_ids(2) and proxy.relayed == 1


@pytest.mark.parametrize("kind", list(SECRETS))
async def test_a_wrong_secret_is_a_clear_error_not_a_timeout(tg: Sandbox, kind: str) -> None:
    proxy = await tg.start_mtproxy(SECRETS[kind])
    wrong = MTProxy(proxy.host, proxy.proxy.port, os.urandom(16), proxy.proxy.padded, proxy.proxy.domain)
    client = make_client(tg, proxy=wrong, timeout=120.0, connect_timeout=120.0)  # far beyond the wait below
    with pytest.raises(ConnectionFailed) as failed:
        await asyncio.wait_for(client.connect(), 30)
    reason = failed.value.reason
    assert isinstance(reason, ProxyError) and "rejected the secret" in str(reason)
    assert wrong.secret.hex() not in str(failed.value)
    assert client.state is ConnectionState.FAILED
    assert proxy.rejected == 1 and proxy.relayed == 0


async def test_a_dropped_relay_is_an_ordinary_reconnect(tg: Sandbox) -> None:
    proxy = await tg.start_mtproxy(SECRETS["dd"])
    user = tg.add_user(phone="+15550910002", first_name="Noa", dc=1)
    client = make_client(tg, proxy=proxy.link)
    await client.connect()
    await login(client, tg, user.phone)
    tg.drop_connections()
    me = await asyncio.wait_for(client.get_me(), 30)
    assert me.id == user.id and client.state is ConnectionState.CONNECTED
    assert proxy.relayed >= 2
    await client.disconnect()


async def test_an_unreachable_mtproxy_fails_at_once(tg: Sandbox) -> None:
    proxy = await tg.start_mtproxy(SECRETS["plain"])
    link = proxy.link
    await proxy.stop()
    client = make_client(tg, proxy=link)
    with pytest.raises(ConnectionFailed) as failed:
        await asyncio.wait_for(client.connect(), 30)
    assert isinstance(failed.value.reason, ProxyError) and "unreachable" in str(failed.value.reason)


@pytest.mark.parametrize("codec", ["ConnectionTcpMTProxyIntermediate", "ConnectionTcpMTProxyAbridged"])
async def test_telethon_logs_in_through_the_sandbox_mtproxy(tg: Sandbox, codec: str) -> None:
    """Telethon's own MTProxy client, with a plain secret. (Its dd client strips only ``len % 4`` bytes of
    padding from what it receives, while padded intermediate allows the server 0-15: it cannot read the
    sandbox's padded frames, through a proxy or not.)"""
    from telethon.network import connection

    from tests.interop.helpers import bounded, telethon_client, telethon_login

    proxy = await tg.start_mtproxy(SECRETS["plain"])
    user = tg.add_user(phone="+15550910003", first_name="Ola", dc=1)
    client = telethon_client(
        tg, 1, connection=getattr(connection, codec), proxy=(proxy.host, proxy.proxy.port, SECRETS["plain"])
    )
    try:
        me = await telethon_login(client, tg, user.phone)
        assert me.id == user.id
        assert (await bounded(client.get_me())).id == user.id
        assert proxy.relayed >= 1 and proxy.rejected == 0
    finally:
        await client.disconnect()


@pytest.mark.parametrize(
    ("kind", "junk"),
    [
        ("plain", bytes(range(64))),  # an obfuscated2 header made with another secret, as far as it can tell
        ("dd", b"\xef" + bytes(100)),
        ("ee", b"GET / HTTP/1.1\r\nHost: cdn.example.com\r\n\r\n"),
        ("ee", b"\x16\x03\x01\xff\xff" + bytes(10)),  # a hello longer than any record
    ],
    ids=["plain-random-header", "dd-abridged-tag", "ee-http", "ee-oversized-hello"],
)
async def test_the_proxy_closes_junk_at_once(tg: Sandbox, kind: str, junk: bytes) -> None:
    proxy = await tg.start_mtproxy(SECRETS[kind])
    reader, writer = await asyncio.open_connection(proxy.host, proxy.proxy.port)
    writer.write(junk)
    try:
        assert await asyncio.wait_for(reader.read(1024), 10) == b""
    except ConnectionResetError:
        pass  # closed with unread bytes: a reset, just as final
    writer.close()
    assert proxy.rejected == 1 and proxy.relayed == 0
