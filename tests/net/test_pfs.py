"""A sender with perfect forward secrecy over real loopback connections (https://core.telegram.org/api/pfs): it
runs on a temporary key bound to its permanent key, which never goes on the wire; a temporary key the server
forgot (-404, confirmed or not) costs a reconnect and a new binding, never the sender; a temporary key due for
renewal is replaced before it expires, the calls in flight going on under the new one; a permanent key the
server does not know ends the sender with AuthKeyUnregistered, as without PFS."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from tests.client.helpers import StateLog
from tests.clock import FakeClock
from tests.net.senders import PROMPTLY, call, sender
from tests.relay import Relay, error_frame
from tgfleet import ConnectionState
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import AuthKeyUnregistered, ConnectionFailed, TransportCodeError
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.mtproto.pfs import RENEW_AFTER
from tgfleet.net.sender import Sender
from tgfleet.net.timeouts import within
from tgfleet.sandbox.keys import KeyInfo
from tgfleet.sandbox.server import Sandbox

CONNECTED, DISCONNECTED, FAILED = ConnectionState.CONNECTED, ConnectionState.DISCONNECTED, ConnectionState.FAILED
LIFETIME = 86400


def split_keys(tg: Sandbox, s: Sender) -> tuple[KeyInfo, list[KeyInfo]]:
    """The sender's permanent key as the server knows it, and the server's temporary keys."""
    keys = tg.keys(1)
    assert s.auth_key is not None
    [perm] = [k for k in keys if k.expires_at is None]
    assert perm.key_id == AuthKey(s.auth_key).key_id
    return perm, [k for k in keys if k.expires_at is not None]


def bound(temps: list[KeyInfo], perm: KeyInfo) -> KeyInfo:
    [key] = [k for k in temps if k.bound_to == perm.key_id]
    return key


async def test_a_pfs_sender_runs_on_a_bound_temporary_key_and_never_sends_under_the_permanent_one(
    tg: Sandbox,
) -> None:
    made: list[HandshakeResult] = []
    s = sender(tg, hooks={"on_key": made.append}, pfs=True)
    await s.start(timeout=PROMPTLY)
    for _ in range(10):
        assert await call(s)
    perm, temps = split_keys(tg, s)
    temp = bound(temps, perm)
    assert perm.packets == 0 and temp.packets > 10
    assert [r.expires_in for r in made] == [None] and made[0].auth_key == s.auth_key  # only the permanent key
    assert s.session is not None and s.session.auth_key.key_id == temp.key_id
    await s.close()


async def test_without_pfs_the_permanent_key_is_the_one_on_the_wire(tg: Sandbox) -> None:
    s = sender(tg)
    await s.start(timeout=PROMPTLY)
    assert await call(s)
    perm, temps = split_keys(tg, s)
    assert perm.packets >= 2 and temps == []
    await s.close()


async def test_an_expired_temporary_key_costs_a_reconnect_and_a_new_binding(tg: Sandbox) -> None:
    s = sender(tg, pfs=True)
    await s.start(timeout=PROMPTLY)
    perm, temps = split_keys(tg, s)
    first = bound(temps, perm)
    log = StateLog(s.states)
    assert tg.expire_temp_keys() == 1
    assert await call(s)  # answered -404, then made and bound a new key, then sent again
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    assert isinstance(dropped.cause, TransportCodeError) and dropped.cause.code == -404
    assert FAILED not in log.states
    perm, temps = split_keys(tg, s)
    assert bound(temps, perm).key_id != first.key_id and perm.packets == 0
    await s.close()


async def test_a_404_that_repeats_on_fresh_connections_never_ends_a_pfs_sender(tg: Sandbox, relay: Relay) -> None:
    s = sender(tg, network=relay.network(tg.network), pfs=True)
    await s.start(timeout=PROMPTLY)
    log = StateLog(s.states)
    relay.on_connect = error_frame(-404)  # without pfs: confirmed, AuthKeyUnregistered (test_sender.py)
    assert relay.inject(error_frame(-404)) == 1
    await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    await log.wait_for(DISCONNECTED, after=len(log.changes), timeout=PROMPTLY)  # and again, on the fresh one
    relay.on_connect = None
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    assert await call(s) and FAILED not in log.states and relay.accepted >= 3
    await s.close()


async def test_a_temporary_key_due_for_renewal_is_replaced_and_the_calls_in_flight_go_on(
    tg: Sandbox, relay: Relay
) -> None:
    clock = FakeClock()
    s = sender(tg, network=relay.network(tg.network), clock=clock, pfs=True, temp_key_lifetime=LIFETIME)
    await s.start(timeout=PROMPTLY)
    seen = set()
    for _ in range(3):
        perm, temps = split_keys(tg, s)
        seen.add(bound(temps, perm).key_id)
        before = relay.from_clients
        assert relay.deafen() == 1  # what the client sends from now on never reaches the server
        in_flight = [asyncio.ensure_future(call(s)) for _ in range(3)]
        await within(relay.sent(before), PROMPTLY)  # they went out under the old key
        clock.advance(LIFETIME * RENEW_AFTER)  # due: the next write ends the connection instead
        answers: list[Any] = await within(asyncio.gather(*in_flight, call(s)), PROMPTLY)
        assert all(answers)
    perm, temps = split_keys(tg, s)
    seen.add(bound(temps, perm).key_id)
    assert len(seen) == 4 and perm.packets == 0 and relay.accepted == 4
    assert s.session is not None and s.session.unanswered() == []  # each answered once, nothing left
    await s.close()


async def test_a_permanent_key_the_server_does_not_know_ends_the_sender_as_without_pfs(tg: Sandbox) -> None:
    s = sender(tg, auth_key=os.urandom(256), pfs=True)
    with pytest.raises(ConnectionFailed) as failed:
        await within(s.start(timeout=60.0), PROMPTLY)
    assert isinstance(failed.value.reason, AuthKeyUnregistered)
    assert "refused twice to bind" in str(failed.value.reason) and s.states.state is FAILED
    assert [k.expires_at is not None for k in tg.keys(1)] == [True]  # its temporary key only
    await s.close()
