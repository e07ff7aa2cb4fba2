"""The send gate (``SenderConfig.may_send``, ``Client(may_send=...)``): once it says no, not another byte
goes out (counted at a relay), every waiting call fails at once, and the sender stays FAILED without
reconnecting; it is asked before connecting, before each key-exchange message and before every write of
a live connection (calls, acks, keep-alive pings)."""

from __future__ import annotations

import asyncio

import pytest

from tests.client.helpers import StateLog, make_client
from tests.net.senders import PROMPTLY, call, sender
from tests.relay import Relay
from tgfleet import ConnectionState
from tgfleet.errors import ConnectionFailed, SendGateClosed
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox

FAILED = ConnectionState.FAILED


class Gate:
    """A send gate the test closes (a fleet worker's would check its lease)."""

    def __init__(self, is_open: bool = True) -> None:
        self.is_open = is_open

    def __call__(self) -> bool:
        return self.is_open


def gate_closed(error: BaseException) -> bool:
    return isinstance(error, ConnectionFailed) and isinstance(error.reason, SendGateClosed)


async def test_a_closed_gate_opens_no_connection(tg: Sandbox, relay: Relay) -> None:
    s = sender(tg, network=relay.network(tg.network), may_send=Gate(is_open=False))
    with pytest.raises(ConnectionFailed) as failed:
        await within(s.start(timeout=60.0), PROMPTLY)
    assert gate_closed(failed.value) and s.states.state is FAILED
    with pytest.raises(ConnectionFailed):
        await call(s)
    assert relay.accepted == 0
    await s.close()


async def test_a_gate_that_closes_before_the_key_exchange_stops_it_before_its_first_byte(
    tg: Sandbox, relay: Relay
) -> None:
    answers = iter([True])  # open for connecting, closed from the first write on
    s = sender(tg, network=relay.network(tg.network), may_send=lambda: next(answers, False))
    with pytest.raises(ConnectionFailed) as failed:
        await within(s.start(timeout=60.0), PROMPTLY)
    assert gate_closed(failed.value) and s.auth_key is None
    await within(relay.closed(accepted=1), PROMPTLY)
    assert relay.from_clients == 0
    await s.close()


async def test_a_gate_closing_on_a_live_connection_fails_every_call_and_writes_nothing_more(
    tg: Sandbox, relay: Relay
) -> None:
    gate = Gate()
    s = sender(tg, network=relay.network(tg.network), may_send=gate)
    await s.start(timeout=PROMPTLY)
    assert await call(s)
    await within(relay.sent(relay.from_clients), PROMPTLY)  # its acknowledgement: nothing is pending now
    tg.freeze(1)  # nothing is answered from now on
    before = relay.from_clients
    in_flight = asyncio.ensure_future(call(s, timeout=60.0))
    written = await within(relay.sent(before), PROMPTLY)  # it went out whole
    gate.is_open = False  # say the lease was lost while the process was stopped
    queued = asyncio.ensure_future(call(s, timeout=60.0))  # the writer asks the gate before writing it
    outcomes = await within(asyncio.gather(in_flight, queued, return_exceptions=True), PROMPTLY)  # not in 60 s
    assert all(gate_closed(outcome) for outcome in outcomes) and s.states.state is FAILED
    await within(relay.closed(accepted=1), PROMPTLY)  # the connection is gone and no other was opened
    assert relay.from_clients == written  # not a byte after the gate closed
    await s.close()


async def test_a_keep_alive_ping_is_not_sent_through_a_closed_gate(tg: Sandbox, relay: Relay) -> None:
    gate = Gate()
    s = sender(tg, network=relay.network(tg.network), may_send=gate, ping_interval=2.0)
    await s.start(timeout=PROMPTLY)
    log = StateLog(s.states)
    # the acknowledgements, a second after connecting; the next write is the keep-alive ping, a second later
    written = await within(relay.sent(relay.from_clients), PROMPTLY)
    gate.is_open = False
    failed = await log.wait_for(FAILED, timeout=PROMPTLY)  # when the ping was due
    assert isinstance(failed.cause, SendGateClosed)
    await within(relay.closed(accepted=1), PROMPTLY)
    assert relay.from_clients == written
    await s.close()


async def test_the_client_passes_its_gate_to_its_senders(tg: Sandbox) -> None:
    client = make_client(tg, may_send=Gate(is_open=False))
    with pytest.raises(ConnectionFailed) as failed:
        await within(client.connect(), PROMPTLY)
    assert gate_closed(failed.value) and client.state is FAILED
    assert tg.stats()["connections"] == {1: 0}
