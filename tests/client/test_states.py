"""Connection states, asserted from the event stream: a normal connect, a drop and recovery, a disconnect,
and a revoked key that ends in FAILED with no further connection attempts."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet import ConnectionState
from tgfleet.errors import AuthKeyUnregistered, ConnectionFailed, NetworkError
from tgfleet.net.retry import RetryPolicy
from tgfleet.sandbox.server import Sandbox

from ..sandbox.server_wire import eventually
from .helpers import StateLog, collect, login, make_client

CONNECTING, CONNECTED = ConnectionState.CONNECTING, ConnectionState.CONNECTED
DISCONNECTED, FAILED = ConnectionState.DISCONNECTED, ConnectionState.FAILED


async def test_connect_drop_recover_disconnect() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15550200001", first_name="Ann", dc=2)
        client = make_client(tg)
        log = StateLog(client)
        stream = asyncio.ensure_future(collect(client.state_changes(), FAILED, timeout=30))
        await client.connect()
        assert log.states == [CONNECTING, CONNECTED]
        await login(client, tg, user.phone)

        mark = len(log.changes)
        assert tg.drop_connections() >= 1
        await log.wait_for(CONNECTED, after=mark)
        assert log.states[mark:] == [DISCONNECTED, CONNECTING, CONNECTED]
        assert isinstance(log.changes[mark].cause, NetworkError)
        assert (await client.get_me()).id == user.id  # same key, same login: nothing to redo

        await client.disconnect()
        assert log.states[-1] is DISCONNECTED and "disconnect()" in str(log.changes[-1].cause)
        stream.cancel()
        assert not client.storage.is_open  # saved and released


async def test_state_stream_yields_the_same_changes_as_the_callback() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        client = make_client(tg)
        log = StateLog(client)
        iterator = client.state_changes()
        first = asyncio.ensure_future(collect(iterator, CONNECTED, timeout=10))
        await asyncio.sleep(0)  # let the iterator subscribe before anything happens
        await client.connect()
        assert [c.state for c in await first] == log.states == [CONNECTING, CONNECTED]
        await client.disconnect()


async def test_revoked_key_ends_in_failed_without_reconnecting() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15550200002", first_name="Bea", dc=2)
        client = make_client(tg, retry=RetryPolicy(initial=0.01, maximum=0.02))
        await client.connect()
        await login(client, tg, user.phone)
        log = StateLog(client)

        tg.revoke(user_id=user.id)
        with pytest.raises(AuthKeyUnregistered):
            await client.get_me()
        assert client.state is FAILED and log.states == [FAILED]
        assert isinstance(client.last_state_change.cause, AuthKeyUnregistered)
        with pytest.raises(ConnectionFailed) as failed:
            await client.get_me()
        assert isinstance(failed.value.reason, AuthKeyUnregistered)

        home = client.dcs.home
        assert home is not None
        await asyncio.wait_for(home.stopped(), 5)  # the connection loop has ended: nothing is left to reconnect
        assert not home.running and log.states == [FAILED]
        await eventually(lambda: tg.stats()["connections"][2] == 0)  # the server saw the connection end
        await client.disconnect()
        assert client.state is FAILED  # terminal
