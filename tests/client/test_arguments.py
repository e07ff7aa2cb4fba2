"""Arguments that cannot work fail at once, typed and naming the argument: the constructor's (not after a
60 s connect timeout), and a session whose DC the network does not have."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tgfleet import Client
from tgfleet.client.session_strings import SessionData, SessionStringError, export_pyrogram
from tgfleet.errors import ConfigurationError
from tgfleet.net import Network
from tgfleet.sandbox.server import Sandbox
from tgfleet.storage import MemoryStorage

from .helpers import logged_in, make_client

PROMPTLY = 5.0
"""Seconds within which a configuration error must surface (the clients here have a 60 s timeout)."""

BAD_ARGUMENTS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"transport": "smoke-signals"}, ConfigurationError, "transport"),
    ({"transport": None}, TypeError, "transport"),
    ({"api_id": 2**31}, ConfigurationError, "api_id"),
    ({"api_id": 0}, ConfigurationError, "api_id"),
    ({"api_id": "12ab"}, ConfigurationError, "api_id"),
    ({"api_id": 1.5}, TypeError, "api_id"),
    ({"api_id": True}, TypeError, "api_id"),
    ({"api_hash": "b790ec5c"}, ConfigurationError, "api_hash"),
    ({"api_hash": "z" * 32}, ConfigurationError, "api_hash"),
    ({"api_hash": 123}, TypeError, "api_hash"),
    ({"timeout": -1}, ConfigurationError, "timeout"),
    ({"timeout": 0}, ConfigurationError, "timeout"),
    ({"timeout": float("inf")}, ConfigurationError, "timeout"),
    ({"timeout": "60"}, TypeError, "timeout"),
    ({"connect_timeout": 0}, ConfigurationError, "connect_timeout"),
    ({"ping_interval": -5}, ConfigurationError, "ping_interval"),
    ({"ping_timeout": float("nan")}, ConfigurationError, "ping_timeout"),
    ({"probe_timeout": 0}, ConfigurationError, "probe_timeout"),
    ({"sleep_threshold": -1}, ConfigurationError, "sleep_threshold"),
    ({"takeout": "yes"}, TypeError, "takeout"),
]


@pytest.mark.parametrize(("options", "error", "name"), BAD_ARGUMENTS)
def test_the_constructor_rejects_what_cannot_work(options: dict[str, Any], error: type[Exception], name: str) -> None:
    kw: dict[str, Any] = {"api_id": 1, "api_hash": "b790ec5c8d23172db3b762e9d6b2e218", "in_memory": True}
    with pytest.raises(error) as raised:
        Client("c", **{**kw, **options})
    assert name in str(raised.value)


@pytest.mark.parametrize(
    ("options", "error", "says"),
    [
        ({"storage": "fleet.db"}, TypeError, "storage must be a tgfleet.storage.Storage, not str"),
        ({"storage": MemoryStorage(), "in_memory": True}, ConfigurationError, "pass it or in_memory"),
        ({"storage": MemoryStorage(), "storage_key": b"k" * 32}, ConfigurationError, "pass it or storage_key"),
    ],
)
def test_a_given_storage_is_a_storage_and_replaces_the_file(options: dict[str, Any], error: type, says: str) -> None:
    with pytest.raises(error, match=says):
        Client("c", api_id=1, **options)


def test_the_constructor_takes_what_pyrogram_takes() -> None:
    client = Client("c", api_id=" 12345 ", api_hash="B790EC5C8D23172DB3B762E9D6B2E218", sleep_threshold=0)
    assert client.api_id == 12345 and client.sleep_threshold == 0
    assert Client("c", api_id=2**31 - 1, sleep_threshold=float("inf")).api_id == 2**31 - 1


async def test_a_session_string_for_a_dc_the_network_lacks_fails_at_once() -> None:
    async with Sandbox(dcs=2) as tg:
        elsewhere = SessionData("pyrogram-362", 7, bytes(range(256)), False, tg.api_id, 1_000_000_001, False)
        client = make_client(tg, session_string=export_pyrogram(elsewhere), timeout=60.0)
        with pytest.raises(SessionStringError, match="DC 7"):
            await asyncio.wait_for(client.connect(), PROMPTLY)


async def test_a_session_file_for_a_dc_the_network_lacks_fails_at_once(tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15550110001", first_name="Ola", dc=2)
        first = await logged_in(tg, user.phone, "ola", in_memory=False, workdir=tmp_path)
        await first.disconnect()  # the session file's home DC is 2
        only_dc1 = Network(tg.network.dcs[:1], tg.network.public_keys, False, 1, "dc1 only")
        client = make_client(tg, "ola", in_memory=False, workdir=tmp_path, network=only_dc1, timeout=60.0)
        with pytest.raises(ConfigurationError, match="DC 2"):
            await asyncio.wait_for(client.connect(), PROMPTLY)
        assert not client.storage.is_open  # closed again: the session file is free
        await (await logged_in(tg, user.phone, "ola", in_memory=False, workdir=tmp_path)).disconnect()
