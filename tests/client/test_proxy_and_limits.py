"""Proxies (SOCKS5, HTTP CONNECT) carry the connection; an unreachable proxy and an exhausted retry policy
end in FAILED with the reason, instead of a reconnect loop."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tgfleet import ConnectionState
from tgfleet.errors import ConnectionFailed, NetworkError, ProxyError
from tgfleet.net import DcAddress, Network
from tgfleet.net.retry import RetryPolicy
from tgfleet.sandbox.server import Sandbox

from .helpers import login, make_client
from .proxies import HttpProxy, Socks5Proxy


@pytest.mark.parametrize(("kind", "scheme"), [(Socks5Proxy, "socks5"), (HttpProxy, "http")])
async def test_login_through_a_proxy(kind: type[Socks5Proxy], scheme: str) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg, kind() as proxy:
        user = tg.add_user(phone="+15550900001", first_name="Pia", dc=1)
        client = make_client(tg, proxy=f"{scheme}://127.0.0.1:{proxy.port}")
        await client.connect()
        await login(client, tg, user.phone)
        assert (await client.get_me()).id == user.id
        assert proxy.destinations == [(tg.dc_addresses[0].host, tg.dc_addresses[0].port)]
        await client.disconnect()


async def test_login_with_pyrogram_proxy_dict_and_credentials() -> None:
    """Pyrogram's proxy dict, with a username and a password (characters a URL would have to escape)."""
    async with Sandbox(dcs=1, default_dc=1) as tg, Socks5Proxy("alice", "p@ss:w/rd") as proxy:
        user = tg.add_user(phone="+15550900002", first_name="Pyro", dc=1)
        form = dict(scheme="socks5", hostname="127.0.0.1", port=proxy.port, username="alice", password="p@ss:w/rd")
        client = make_client(tg, proxy=form)
        await client.connect()
        await login(client, tg, user.phone)
        assert (await client.get_me()).id == user.id
        assert proxy.destinations == [(tg.dc_addresses[0].host, tg.dc_addresses[0].port)]
        await client.disconnect()


async def test_wrong_proxy_credentials_fail_at_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg, Socks5Proxy("alice", "right") as proxy:
        client = make_client(tg, proxy=f"socks5://alice:wrong@127.0.0.1:{proxy.port}")
        with pytest.raises(ConnectionFailed) as failed:
            await asyncio.wait_for(client.connect(), 10)
        assert isinstance(failed.value.reason, ProxyError) and "wrong" not in str(failed.value)
        assert proxy.destinations == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_an_unreachable_proxy_fails_at_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        client = make_client(tg, proxy=f"socks5://user:secret@127.0.0.1:{_closed_port()}")
        with pytest.raises(ConnectionFailed) as failed:
            await asyncio.wait_for(client.connect(), 10)
        assert isinstance(failed.value.reason, ProxyError) and "secret" not in str(failed.value)
        assert client.state is ConnectionState.FAILED


async def test_retry_limit_ends_in_failed() -> None:
    port = _closed_port()
    async with Sandbox(dcs=1, default_dc=1) as tg:
        nowhere = Network((DcAddress(1, "127.0.0.1", port),), tg.network.public_keys, False, 1, "nowhere")
        client = make_client(tg, network=nowhere, retry=RetryPolicy(initial=0.01, maximum=0.02, max_attempts=3))
        changes: list[ConnectionState] = []
        client.on_state_change(lambda c: changes.append(c.state))
        with pytest.raises(ConnectionFailed) as failed:
            await asyncio.wait_for(client.connect(), 10)
        assert isinstance(failed.value.reason, NetworkError) and "after 3 attempts" in str(failed.value.reason)
        assert changes.count(ConnectionState.CONNECTING) == 3 and changes[-1] is ConnectionState.FAILED
