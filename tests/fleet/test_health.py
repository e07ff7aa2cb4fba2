"""Account health against the sandbox, on both engines: each condition the sandbox induces moves the account to its
state with its evidence (the raw error and the values that matter), and back where the state allows; probes are
skipped while the account's own traffic shows its health; an operator's disable stands. Time is a FakeClock the
test moves (the health rules and the probe schedule read it); the probe interval is short."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet.client import Client
from tgfleet.fleet import Account, AccountState, Event, Fleet, LeaseSettings
from tgfleet.fleet.account_runner import Job
from tgfleet.fleet.health_rules import HealthSettings
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.probes import ProbeSettings
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions

from .workers import TIMEOUT, Events, Seeded, seed

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)
PROBES = ProbeSettings(interval=0.3, jitter=0.2, authorizations_interval=1000.0, timeout=10.0)
HEALTH = HealthSettings(flood_threshold=60, peer_flood_hold=1000)
S = AccountState


async def calling(client: Client, account: Account) -> None:
    """A job: the busy accounts' own traffic, a light call every 20 ms (the senders: a message every 50 ms); the idle
    ones make none."""
    if account.label.startswith("idle"):
        return
    while account.label.startswith("sender"):  # a method a frozen account may not call
        await client.send_message("me", "hello")
        await asyncio.sleep(0.05)
    while True:
        await client.invoke(functions.help.GetNearestDc())
        await asyncio.sleep(0.02)


@asynccontextmanager
async def worker(
    fleet: Fleet, tg: Sandbox, clock: FakeClock, *, job: Job = calling, **options: Any
) -> AsyncIterator[Events]:
    events = Events()
    w = Worker(fleet, network=tg.network, api_id=tg.api_id, job=job, on_event=events.add, pacer=Pacer(8, 0.05),
               client_options={"timeout": 10.0, **options}, probes=PROBES, health=HEALTH, clock=clock)  # fmt: skip
    task = asyncio.create_task(w.run())
    ticker = asyncio.create_task(ticking(clock, events))
    try:
        await events.until(lambda: events.of("started") or task.done(), what="the worker started")
        yield events
    finally:
        ticker.cancel()
        w.drain()
        await within(task, TIMEOUT)


async def ticking(clock: FakeClock, events: Events) -> None:
    """The fake time goes on at about the real pace (the probes fall due) until the test jumps it."""
    while True:
        await asyncio.sleep(0.05)
        clock.advance(0.05)
        events.nudge()


def state_of(events: Events, account: Seeded) -> str | None:
    moves = events.of("state", account.label)
    return moves[-1]["detail"]["to"] if moves else None


def probes_of(events: Events, account: Seeded) -> int:
    return len(events.of("probed", account.label))


async def last_state_event(fleet: Fleet, account: Seeded) -> Event:
    return [e for e in await fleet.accounts.events(account.label) if e.kind == "state"][-1]


async def test_a_long_flood_wait_limits_until_it_ends_then_a_success_brings_it_back(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        [idle] = await seed(tg, fleet, 1, prefix="idle")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.force_flood(functions.help.GetNearestDc, 3600)
            await events.until(lambda: state_of(events, busy) == "limited", what="limited")
            limited = await fleet.accounts.get(busy.label)
            event = await last_state_event(fleet, busy)
            assert limited.state is S.LIMITED and limited.state_until == event.evidence.detail["until"]
            assert (event.evidence.code, event.evidence.name, event.evidence.detail["method"]) == (
                420, "FLOOD_WAIT_3600", "help.getNearestDc")  # fmt: skip
            assert event.evidence.detail["flood_seconds"] == 3600 and event.epoch == 1 and event.worker
            assert abs(limited.state_until - (clock.now + 3600)) < 5
            seen = probes_of(events, busy)
            idle_seen = probes_of(events, idle)
            await events.until(lambda: probes_of(events, idle) >= idle_seen + 3, what="the idle one probed on")
            assert probes_of(events, busy) == seen  # a limited account is not probed before its end
            clock.advance(3600)
            await events.until(lambda: state_of(events, busy) == "active", what="back once the wait has passed")
            back = await last_state_event(fleet, busy)
            assert back.from_state == "limited" and back.evidence.message == "a probe worked"
            assert (await fleet.accounts.get(busy.label)).state_until is None


async def test_peer_flood_limits_for_the_hold_and_a_success_after_it_brings_it_back(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.force_error(functions.help.GetNearestDc, 400, "PEER_FLOOD")
            await events.until(lambda: state_of(events, busy) == "limited", what="limited")
            event = await last_state_event(fleet, busy)
            assert (event.evidence.code, event.evidence.name) == (400, "PEER_FLOOD")
            assert event.evidence.detail["until_known"] is False
            assert abs(event.evidence.detail["until"] - (clock.now + HEALTH.peer_flood_hold)) < 5
            clock.advance(HEALTH.peer_flood_hold)  # the next success (its own traffic) after the hold ends it
            await events.until(lambda: state_of(events, busy) == "active", what="back after the hold")
            assert (await last_state_event(fleet, busy)).from_state == "limited"


async def test_a_frozen_account_is_frozen_with_its_evidence_and_a_success_does_not_thaw_it(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.force_error(functions.help.GetNearestDc, 420, "FROZEN_METHOD_INVALID")
            await events.until(lambda: state_of(events, busy) == "frozen", what="frozen")
            event = await last_state_event(fleet, busy)
            assert (event.evidence.code, event.evidence.name, event.evidence.detail) == (
                420, "FROZEN_METHOD_INVALID", {"method": "help.getNearestDc"})  # fmt: skip
            seen = probes_of(events, busy)
            await events.until(lambda: probes_of(events, busy) >= seen + 3, what="probed again and again")
            assert (await fleet.accounts.get(busy.label)).state is S.FROZEN  # its calls work: still frozen
            assert busy.label in [e["account"] for e in events.of("connected")]


@pytest.mark.parametrize(
    ("code", "name", "state"),
    [
        (401, "SESSION_REVOKED", S.REVOKED),
        (406, "AUTH_KEY_DUPLICATED", S.REVOKED),
        (401, "USER_DEACTIVATED_BAN", S.BANNED),
        (401, "USER_DEACTIVATED", S.DELETED),
    ],
)
async def test_a_key_or_account_that_ended_stops_the_account_with_its_evidence(
    store_url: str, code: int, name: str, state: AccountState
) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.force_error(functions.help.GetNearestDc, code, name)
            await events.until(lambda: events.of("released", busy.label), what="let go")
            assert state_of(events, busy) == state.value
            event = await last_state_event(fleet, busy)
            assert (event.evidence.code, event.evidence.name, event.evidence.detail["method"]) == (
                code, name, "help.getNearestDc")  # fmt: skip
            if (
                state is S.REVOKED
            ):  # which authorization ended: our key, and ours as account.getAuthorizations listed it
                assert event.evidence.detail["auth_key_id"] == f"{busy.key_id & (2**64 - 1):016x}"
                assert "authorization" in event.evidence.detail
            assert (await fleet.accounts.get(busy.label)).state is state


async def test_a_key_logged_out_needs_a_login(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="sender")  # help.getNearestDc needs no login: it sends
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.revoke(auth_key_id=busy.key_id)
            await events.until(lambda: events.of("released", busy.label), what="let go")
            event = await last_state_event(fleet, busy)
            assert (event.to_state, event.evidence.code, event.evidence.name) == ("needs_login", 401,
                                                                                  "AUTH_KEY_UNREGISTERED")  # fmt: skip


async def test_a_dropped_network_is_unreachable_until_the_next_success(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        async with worker(fleet, tg, clock, timeout=1.0) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            tg.freeze()  # the DCs read but answer nothing: every call times out
            await events.until(lambda: state_of(events, busy) == "unreachable", what="unreachable")
            event = await last_state_event(fleet, busy)
            assert event.evidence.name in ("RequestTimeout", "NetworkError")
            tg.thaw()
            tg.drop_connections()
            await events.until(lambda: state_of(events, busy) == "active", what="back on the next success")


async def test_a_dead_proxy_is_unreachable_and_the_proxy_back_brings_it_back(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        proxy = await tg.start_mtproxy("dd" + "ab" * 16)
        port = proxy.proxy.port
        [busy] = await seed(tg, fleet, 1, prefix="busy", proxy=proxy.link)
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            await proxy.stop()  # the proxy refuses from now on (its port is closed)
            tg.drop_connections()
            await events.until(lambda: state_of(events, busy) == "unreachable", what="unreachable")
            event = await last_state_event(fleet, busy)
            assert event.evidence.name in ("ProxyError", "NetworkError"), event.evidence
            await tg.start_mtproxy("dd" + "ab" * 16, port=port)
            await events.until(lambda: state_of(events, busy) == "active", what="back through the proxy")


async def test_probes_are_skipped_while_the_accounts_own_traffic_shows_its_health(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        [idle] = await seed(tg, fleet, 1, prefix="idle")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active" and state_of(events, idle) == "active",
                               what="both probed at their first connect")  # fmt: skip
            await events.until(lambda: probes_of(events, idle) >= 5, what="the idle one probed on")
            assert probes_of(events, busy) == 1  # only the first, at its connect: its traffic showed the rest


async def test_an_operators_disable_stands(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            await fleet.accounts.disable(busy.label, reason="test")
            tg.force_error(functions.help.GetNearestDc, 401, "SESSION_REVOKED")
            await events.until(lambda: events.of("released", busy.label), what="let go")
            assert (await fleet.accounts.get(busy.label)).state is S.DISABLED
            assert (await last_state_event(fleet, busy)).to_state == "disabled"


async def test_a_frozen_account_gets_its_dates_and_appeal_link_and_comes_back_when_unfrozen(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [sender] = await seed(tg, fleet, 1, prefix="sender")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, sender) == "active", what="probed at its first connect")
            until = tg.now() + 5000
            tg.world.freeze_account(sender.user_id, until=until, appeal_url="https://t.me/spambot")
            await events.until(lambda: state_of(events, sender) == "frozen", what="frozen")
            moved = await last_state_event(fleet, sender)
            assert (moved.evidence.code, moved.evidence.name) == (420, "FROZEN_METHOD_INVALID")
            assert moved.evidence.detail["method"] == "messages.sendMessage"

            async def dated() -> Event | None:
                found = [e for e in await fleet.accounts.events(sender.label) if e.kind == "evidence"]
                return found[-1] if found else None

            await events.until(lambda: events.of("state", sender.label)[-1]["detail"]["until"] is not None,
                               what="probed at once for the dates")  # fmt: skip
            dates = await dated()
            assert dates is not None and dates.evidence.name == "help.getAppConfig"
            assert dates.evidence.detail["appeal_url"] == "https://t.me/spambot"
            assert dates.evidence.detail["freeze_until"] == pytest.approx(until, abs=1)
            assert dates.evidence.detail["freeze_since"] is not None
            assert (await fleet.accounts.get(sender.label)).state_until == pytest.approx(until, abs=1)
            tg.world.unfreeze_account(sender.user_id)
            await events.until(lambda: state_of(events, sender) == "active", what="back once the freeze ended")
            back = await last_state_event(fleet, sender)
            assert back.evidence.name == "help.getAppConfig" and "freeze ended" in (back.evidence.message or "")


@pytest.mark.parametrize(("control", "name", "state"), [("ban_user", "USER_DEACTIVATED_BAN", S.BANNED),
                                                          ("delete_user", "USER_DEACTIVATED", S.DELETED)])  # fmt: skip
async def test_a_banned_or_deleted_account_is_let_go_with_its_evidence(
    store_url: str, control: str, name: str, state: AccountState
) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="sender")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            getattr(tg.world, control)(busy.user_id)
            await events.until(lambda: events.of("released", busy.label), what="let go")
            event = await last_state_event(fleet, busy)
            assert (event.to_state, event.evidence.code, event.evidence.name) == (state.value, 401, name)
