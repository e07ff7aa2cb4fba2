"""A logged-in client behind a path that breaks the stream (a relay between it and the sandbox): a stalled
stream costs one call timeout plus a probe, and four forged bytes (-404, -444) cost a reconnect, never the
login."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from tests.relay import Relay, error_frame, stall_header
from tgfleet import Client, ConnectionState, filters
from tgfleet.errors import RequestTimeout, TransportCodeError
from tgfleet.net.retry import RetryPolicy
from tgfleet.net.timeouts import within
from tgfleet.sandbox.contract import CallContext, MethodHandler
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID, Sandbox
from tgfleet.sandbox.world import World
from tgfleet.tl import functions, types
from tgfleet.types import Message

from .helpers import StateLog, logged_in

CONNECTED, DISCONNECTED, FAILED = ConnectionState.CONNECTED, ConnectionState.DISCONNECTED, ConnectionState.FAILED
PROMPTLY = 10.0
"""Bound of every wait here; the keep-alive (60 s + 20 s) could not act within it."""


async def relayed_client(tg: Sandbox, relay: Relay, phone: str) -> Client:
    user = tg.add_user(phone=phone, first_name="Rae", dc=1)
    return await logged_in(
        tg, user.phone, network=relay.network(tg.network), ping_interval=60.0, ping_timeout=20.0,
        probe_timeout=1.0, retry=RetryPolicy(initial=0.01, maximum=0.05),
    )  # fmt: skip


async def test_a_stalled_stream_costs_one_call_timeout_and_a_probe(tg: Sandbox, relay: Relay) -> None:
    client = await relayed_client(tg, relay, "+15550120001")
    log = StateLog(client)
    assert relay.stall(stall_header()) == 1
    with pytest.raises(RequestTimeout):
        await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), timeout=1.0)
    await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    assert (await client.get_me()).phone_number == "15550120001"
    await client.disconnect()


@pytest.mark.parametrize("code", [-404, -444])
async def test_a_forged_transport_error_does_not_end_the_login(tg: Sandbox, relay: Relay, code: int) -> None:
    client = await relayed_client(tg, relay, f"+1555012{-code}")
    log = StateLog(client)
    assert relay.inject(error_frame(code)) == 1
    dropped = await log.wait_for(DISCONNECTED, timeout=PROMPTLY)
    assert isinstance(dropped.cause, TransportCodeError) and dropped.cause.code == code
    await log.wait_for(CONNECTED, timeout=PROMPTLY)
    me = await client.get_me()
    assert me.id and client.state is CONNECTED and FAILED not in log.states
    await client.disconnect()


class HoldingWorld(World):
    """The sandbox's world, except that help.getTermsOfServiceUpdate is answered only after ``release``."""

    def __init__(self) -> None:
        super().__init__(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1)
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    def handler(self, function_type: type) -> MethodHandler | None:
        if function_type is not functions.help.GetTermsOfServiceUpdate:
            return super().handler(function_type)

        async def held(ctx: CallContext, request: Any) -> Any:
            self.arrived.set()
            await self.release.wait()
            return types.help.TermsOfServiceUpdateEmpty(expires=0)

        return held


def probes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "probing the connection" in r.getMessage()]


async def test_only_a_call_timing_out_on_a_silent_connection_probes_it(caplog: pytest.LogCaptureFixture) -> None:
    world = HoldingWorld()
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        alice = tg.add_user(phone="+15550120101", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15550120102", first_name="Bob", username="bob_probe", dc=1)
        a = await logged_in(tg, alice.phone, "alice")
        b = await logged_in(tg, bob.phone, "bob")
        await a.resolve_peer("@bob_probe")
        got = asyncio.Event()

        @b.on_message(filters.incoming)
        def on_message(_: Client, message: Message) -> None:
            got.set()

        with caplog.at_level(logging.INFO, "tgfleet.net"):
            held = asyncio.ensure_future(b.invoke(functions.help.GetTermsOfServiceUpdate(), timeout=1.0))
            await within(world.arrived.wait(), PROMPTLY)
            await a.send_message(bob.id, "while you wait")
            await within(got.wait(), PROMPTLY)  # bob's connection delivered it after the held call was sent
            with pytest.raises(RequestTimeout):
                await held
            assert probes(caplog) == []  # the connection is alive: no probe

            tg.freeze(1)  # from now on nothing arrives
            with pytest.raises(RequestTimeout):
                await b.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), timeout=0.3)
            assert probes(caplog) == ["DC 1: GetUsers timed out, nothing received since: probing the connection"]
        world.release.set()
        tg.thaw(1)
        await asyncio.gather(a.disconnect(), b.disconnect())
