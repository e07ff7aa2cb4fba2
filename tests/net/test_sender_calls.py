"""The sender's one request path over real loopback connections: unanswered calls are re-sent after a
reconnect, exactly once each; a ping without answer reopens the connection; a permanent failure reaches
every waiting call at once; a call that times out or is cancelled is forgotten by the session (not re-sent,
not kept, its late answer dropped)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.client.helpers import StateLog
from tests.net.senders import PROMPTLY, call, sender
from tests.relay import Relay, error_frame
from tgfleet import ConnectionState
from tgfleet.errors import BadRequest, ConnectionFailed, NetworkError, RequestTimeout, TransportCodeError
from tgfleet.mtproto.session import Event, Result, RpcFailed
from tgfleet.net.sender import Sender
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions, types

CONNECTED, DISCONNECTED = ConnectionState.CONNECTED, ConnectionState.DISCONNECTED


def waiting_calls(s: Sender) -> list[Any]:
    """The calls (not pings) the sender's session still waits for: what it would re-send."""
    assert s.session is not None
    return [r for r in s.session.unanswered() if isinstance(r.function, functions.help.GetNearestDc)]


async def test_unanswered_calls_are_sent_again_after_a_reconnect_once_each(tg: Sandbox, relay: Relay) -> None:
    s = sender(tg, network=relay.network(tg.network))
    await s.start(timeout=PROMPTLY)
    assert await call(s)
    log = StateLog(s.states)
    before = relay.from_clients
    assert relay.deafen() == 1  # what the client sends from now on never reaches the server
    calls = [asyncio.ensure_future(call(s)) for _ in range(3)]
    await within(relay.sent(before), PROMPTLY)  # the three went out on this connection (one container)
    tg.force_error(functions.help.GetNearestDc, 400, "COUNTED", times=3)  # what the server gets from now on
    assert tg.drop_connections(1) == 1
    answers = await within(asyncio.gather(*calls, return_exceptions=True), PROMPTLY)
    assert [type(a) for a in answers] == [BadRequest] * 3 and all(a.ID == "COUNTED" for a in answers)
    assert isinstance(await call(s), types.NearestDc)  # the server got exactly three: no call went twice
    assert log.states == [DISCONNECTED, ConnectionState.CONNECTING, CONNECTED] and relay.accepted == 2
    assert waiting_calls(s) == []
    await s.close()


async def test_a_ping_without_answer_reopens_the_connection(tg: Sandbox) -> None:
    s = sender(tg, ping_interval=0.2, ping_timeout=0.5)
    await s.start(timeout=PROMPTLY)
    log = StateLog(s.states)
    tg.freeze(1)  # the DC reads everything and answers nothing: no pong
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    assert isinstance(dropped.cause, NetworkError) and "no answer to a ping within 0.5 s" in str(dropped.cause)
    tg.thaw(1)
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    assert await call(s)
    await s.close()


async def test_a_permanent_failure_reaches_every_waiting_call_at_once(tg: Sandbox, relay: Relay) -> None:
    s = sender(tg, network=relay.network(tg.network))
    await s.start(timeout=PROMPTLY)
    tg.freeze(1)  # nothing is answered
    before = relay.from_clients
    in_flight = [asyncio.ensure_future(call(s, timeout=60.0)) for _ in range(3)]
    await within(relay.sent(before), PROMPTLY)
    relay.on_connect = error_frame(-444)  # the fresh connection confirms it: final
    assert relay.inject(error_frame(-444)) == 1
    outcomes = await within(asyncio.gather(*in_flight, return_exceptions=True), PROMPTLY)  # not after 60 s
    for outcome in outcomes:
        assert isinstance(outcome, ConnectionFailed) and isinstance(outcome.reason, TransportCodeError)
        assert outcome.reason.code == -444
    assert s.states.state is ConnectionState.FAILED and waiting_calls(s) == []
    await s.close()


async def test_a_call_that_times_out_or_is_cancelled_is_forgotten(tg: Sandbox, relay: Relay) -> None:
    events: list[Event] = []
    s = sender(tg, network=relay.network(tg.network), hooks={"on_event": events.append}, probe_timeout=60.0)
    await s.start(timeout=PROMPTLY)
    tg.freeze(1)  # requests are handled, their answers held back until thawed
    for _ in range(5):
        with pytest.raises(RequestTimeout):
            await call(s, timeout=0.05)
    before = relay.from_clients
    cancelled = asyncio.ensure_future(call(s))
    await within(relay.sent(before), PROMPTLY)  # it went out
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert waiting_calls(s) == []  # nothing to re-send after a reconnect, nothing kept
    tg.thaw(1)  # the six late answers come, then the answer to this call
    assert isinstance(await call(s), types.NearestDc)
    assert waiting_calls(s) == []
    assert not [e for e in events if isinstance(e, Result | RpcFailed)]  # no late answer went anywhere
    assert s.states.state is CONNECTED
    await s.close()
