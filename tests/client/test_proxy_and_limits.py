"""Proxies (SOCKS5, HTTP CONNECT; as URLs and as Pyrogram's dict with credentials) carry the connection; an
unreachable proxy, wrong credentials and an exhausted retry policy end in FAILED with the reason, instead of a
reconnect loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tgfleet import ConnectionState
from tgfleet.errors import ConnectionFailed, NetworkError, ProxyError
from tgfleet.net import DcAddress, Network
from tgfleet.net.retry import RetryPolicy
from tgfleet.sandbox.server import Sandbox

from .helpers import closed_port, login, make_client
from .proxies import HttpProxy, Socks5Proxy


def _pyrogram_dict(port: int) -> dict[str, Any]:
    """Pyrogram's proxy dict, with credentials a URL would have to escape."""
    return dict(scheme="socks5", hostname="127.0.0.1", port=port, username="alice", password="p@ss:w/rd")


@pytest.mark.parametrize(
    ("make_proxy", "form"),
    [
        (Socks5Proxy, lambda port: f"socks5://127.0.0.1:{port}"),
        (HttpProxy, lambda port: f"http://127.0.0.1:{port}"),
        (lambda: Socks5Proxy("alice", "p@ss:w/rd"), _pyrogram_dict),
    ],
    ids=["socks5-url", "http-url", "pyrogram-dict-with-credentials"],
)
async def test_login_through_a_proxy(make_proxy: Callable[[], Socks5Proxy], form: Callable[[int], Any]) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg, make_proxy() as proxy:
        user = tg.add_user(phone="+15550900001", first_name="Pia", dc=1)
        client = make_client(tg, proxy=form(proxy.port))
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


async def test_an_unreachable_proxy_fails_at_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        client = make_client(tg, proxy=f"socks5://user:secret@127.0.0.1:{closed_port()}")
        with pytest.raises(ConnectionFailed) as failed:
            await asyncio.wait_for(client.connect(), 10)
        assert isinstance(failed.value.reason, ProxyError) and "secret" not in str(failed.value)
        assert client.state is ConnectionState.FAILED


async def test_retry_limit_ends_in_failed() -> None:
    port = closed_port()
    async with Sandbox(dcs=1, default_dc=1) as tg:
        nowhere = Network((DcAddress(1, "127.0.0.1", port),), tg.network.public_keys, False, 1, "nowhere")
        client = make_client(tg, network=nowhere, retry=RetryPolicy(initial=0.01, maximum=0.02, max_attempts=3))
        changes: list[ConnectionState] = []
        client.on_state_change(lambda c: changes.append(c.state))
        with pytest.raises(ConnectionFailed) as failed:
            await asyncio.wait_for(client.connect(), 10)
        assert isinstance(failed.value.reason, NetworkError) and "after 3 attempts" in str(failed.value.reason)
        assert changes.count(ConnectionState.CONNECTING) == 3 and changes[-1] is ConnectionState.FAILED
