"""The sender over real loopback connections: an error reconnecting cannot fix reaches ``start()`` and every
waiting call at once; a stalled stream is probed and reopened within seconds; an unauthenticated transport
error code (-404, -444) is believed only when a fresh connection says the same."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from tests.client.helpers import StateLog
from tests.net.senders import PROMPTLY, call, sender
from tests.relay import Relay, error_frame, stall_header
from tgfleet import ConnectionState
from tgfleet.errors import (
    AuthKeyUnregistered,
    ConfigurationError,
    ConnectionFailed,
    NetworkError,
    RequestTimeout,
    TransportCodeError,
)
from tgfleet.net import DcAddress, Network
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox

CONNECTED, DISCONNECTED, FAILED = ConnectionState.CONNECTED, ConnectionState.DISCONNECTED, ConnectionState.FAILED


# --- errors reconnecting cannot fix ------------------------------------------------------------------------


async def test_an_error_in_the_connection_task_reaches_start_and_waiting_calls(
    tg: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_hook(config: Any) -> None:
        raise ZeroDivisionError("a bug in a hook")

    s = sender(tg, hooks={"on_first_result": broken_hook})
    starting = asyncio.ensure_future(s.start(timeout=60.0))
    waiting = asyncio.ensure_future(call(s, timeout=60.0))  # waits for the connection meanwhile
    with caplog.at_level(logging.ERROR, "tgfleet.net"):
        for outcome in await within(asyncio.gather(starting, waiting, return_exceptions=True), PROMPTLY):
            assert isinstance(outcome, ConnectionFailed) and isinstance(outcome.reason, ZeroDivisionError)
    assert s.states.state is FAILED and isinstance(s.states.current.cause, ZeroDivisionError)
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert logged and "a bug in a hook" in logged[0].getMessage()  # with its traceback
    with pytest.raises(ConnectionFailed):
        await call(s)
    await s.close()


async def test_a_dc_the_network_lacks_fails_at_once(tg: Sandbox) -> None:
    elsewhere = Network((DcAddress(2, "127.0.0.1", tg.dc_addresses[0].port),), tg.network.public_keys, False, 2)
    s = sender(tg, network=elsewhere)
    with pytest.raises(ConnectionFailed) as failed:
        await within(s.start(timeout=60.0), PROMPTLY)
    assert isinstance(failed.value.reason, ConfigurationError) and "DC 1" in str(failed.value.reason)
    assert s.states.state is FAILED
    await s.close()


async def test_an_unknown_transport_fails_at_once(tg: Sandbox) -> None:
    s = sender(tg, transport="smoke-signals")
    with pytest.raises(ConnectionFailed) as failed:
        await within(s.start(timeout=60.0), PROMPTLY)
    assert isinstance(failed.value.reason, ValueError) and "smoke-signals" in str(failed.value.reason)
    await s.close()


async def test_a_key_exchange_that_times_out_is_tried_again(tg: Sandbox) -> None:
    s = sender(tg, connect_timeout=2.0)  # no auth key yet: the first connection creates one
    log = StateLog(s.states)
    tg.freeze(1)  # the handshake's answers are held back
    starting = asyncio.ensure_future(s.start(timeout=PROMPTLY))
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    assert isinstance(dropped.cause, RequestTimeout) and "key-exchange step" in str(dropped.cause)
    tg.thaw(1)
    await within(starting, PROMPTLY)  # a later attempt creates the key
    assert s.auth_key is not None and await call(s)
    await s.close()


# --- a stalled stream -----------------------------------------------------------------------------------------


async def test_a_stalled_stream_is_probed_and_reopened(tg: Sandbox, relay: Relay) -> None:
    s = sender(tg, network=relay.network(tg.network), probe_timeout=0.5)
    await s.start(timeout=PROMPTLY)
    assert await call(s)
    log = StateLog(s.states)
    assert relay.stall(stall_header()) == 1  # "8 MiB follow", then nothing
    with pytest.raises(RequestTimeout):
        await call(s, timeout=0.5)
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)  # not after the 60 s keep-alive
    assert isinstance(dropped.cause, NetworkError) and "ping" in str(dropped.cause)
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    assert await call(s) and relay.accepted == 2
    await s.close()


async def test_a_slow_but_live_connection_survives_the_probe(tg: Sandbox) -> None:
    s = sender(tg, probe_timeout=5.0)
    await s.start(timeout=PROMPTLY)
    log = StateLog(s.states)
    tg.set_latency(0.3)
    with pytest.raises(RequestTimeout):
        await call(s, timeout=0.05)  # nothing arrives within 50 ms: the connection is probed
    assert await call(s)  # answered after the probe's pong (answers come back in order)
    assert log.states == []  # never dropped
    await s.close()


# --- transport error codes are unauthenticated ------------------------------------------------------------------


@pytest.mark.parametrize("code", [-404, -444])
async def test_one_injected_transport_error_costs_a_reconnect_not_the_sender(
    tg: Sandbox, relay: Relay, code: int
) -> None:
    s = sender(tg, network=relay.network(tg.network))
    await s.start(timeout=PROMPTLY)
    log = StateLog(s.states)
    assert relay.inject(error_frame(code)) == 1
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    assert isinstance(dropped.cause, TransportCodeError) and dropped.cause.code == code
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    assert await call(s) and s.states.state is CONNECTED and relay.accepted == 2
    await s.close()


@pytest.mark.parametrize(("code", "final"), [(-404, AuthKeyUnregistered), (-444, TransportCodeError)])
async def test_a_transport_error_confirmed_on_a_fresh_connection_is_final(
    tg: Sandbox, relay: Relay, code: int, final: type[Exception]
) -> None:
    s = sender(tg, network=relay.network(tg.network))
    await s.start(timeout=PROMPTLY)  # the sender has an auth key now
    log = StateLog(s.states)
    relay.on_connect = error_frame(code)  # every new connection hears it first
    assert relay.inject(error_frame(code)) == 1
    failed = await log.wait_for(FAILED, timeout=PROMPTLY)
    assert isinstance(failed.cause, final) and str(code) in str(failed.cause)
    assert relay.accepted == 2  # the first connection and the fresh one that confirmed it
    with pytest.raises(ConnectionFailed):
        await call(s)
    await s.close()
