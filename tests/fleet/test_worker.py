"""The worker in this process, against the sandbox, on both engines: it takes a fair share, connects one Client per
account (one connection per auth key), hands everything back when drained, shares with a worker that starts later,
lets a disabled account go, and keeps one account's trouble (a flood wait, a dead proxy, a revoked key) to that
account while the others go on making calls."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tgfleet.client import Client
from tgfleet.client.session_strings import decode_session_string
from tgfleet.fleet import Account, AccountState, DuplicateAccountError, Fleet, LeaseSettings, WorkerState
from tgfleet.fleet.account_runner import Job
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions

from .workers import TIMEOUT, Events, holders, seed

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)


@asynccontextmanager
async def running(
    fleet: Fleet, tg: Sandbox, *, capacity: int = 100, job: Job | None = None, events: Events | None = None
) -> AsyncIterator[tuple[Worker, Events]]:
    """A worker running in a task; drained on the way out (its ``run()`` must then return by itself)."""
    events = events or Events()
    worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, capacity=capacity, job=job,
                    on_event=events.add, pacer=Pacer(8, 0.05), client_options={"timeout": 10.0})  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        await events.until(lambda: events.of("started") or task.done(), what="the worker started")
        yield worker, events
    finally:
        worker.drain()
        await within(task, TIMEOUT)


async def test_a_worker_runs_each_account_on_one_connection_and_a_drain_hands_them_all_back(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 6)
        async with running(fleet, tg, capacity=10) as (worker, events):
            await events.until(lambda: len(events.connected()) == 6, what="every account connected")
            held = holders(await fleet.leases.list())
            assert set(held.values()) == {worker.id} and sorted(held) == sorted(a.label for a in accounts)
            assert worker.holding() == sorted(a.label for a in accounts)
            for a in accounts:  # each key on exactly one connection, and used
                [span] = tg.key_use.spans(a.key_id)
                assert span.packets >= 1
            assert {a.state for a in await fleet.accounts.list()} == {AccountState.ACTIVE}
        assert sorted(e["account"] for e in events.of("released")) == sorted(a.label for a in accounts)
        assert events.seen[-1]["event"] == "stopped" and events.seen[-1]["detail"]["releases"] == 6
        assert set(holders(await fleet.leases.list()).values()) == {None}  # free at once, no TTL to wait for
        [row] = [w for w in await fleet.workers.list() if w.id == worker.id]
        assert row.state is WorkerState.STOPPED
        assert tg.key_use.overlaps() == []


async def test_a_worker_that_starts_later_gets_its_share(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 8)
        async with running(fleet, tg) as (first, one):
            await one.until(lambda: len(one.connected()) == 8, what="the first worker took everything")
            async with running(fleet, tg) as (second, two):
                await two.until(lambda: len(two.connected()) == 4, what="the second worker got its share")
                await one.until(lambda: len(one.connected()) == 4, what="the first handed the rest back")
                held = holders(await fleet.leases.list())
                assert sorted(held) == sorted(a.label for a in accounts)
                assert Counter(held.values()) == {first.id: 4, second.id: 4}
                assert set(one.connected()) == {k for k, v in held.items() if v == first.id}
                assert set(two.connected()) == {k for k, v in held.items() if v == second.id}
        assert tg.key_use.overlaps() == []  # every hand-over: the old connection was done before the new one


async def test_an_account_an_operator_disables_is_let_go(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 3)
        async with running(fleet, tg) as (worker, events):
            await events.until(lambda: len(events.connected()) == 3, what="every account connected")
            await fleet.accounts.disable(accounts[0].label, reason="test")
            await events.until(lambda: events.of("released", accounts[0].label), what="the disabled one released")
            assert worker.holding() == sorted(a.label for a in accounts[1:])
            assert (await fleet.accounts.get(accounts[0].label)).state is AccountState.DISABLED  # not overwritten
            assert holders(await fleet.leases.list())[accounts[0].label] is None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_one_accounts_trouble_never_stalls_the_others(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        healthy = await seed(tg, fleet, 3, prefix="ok")
        [flooded, revoked] = await seed(tg, fleet, 2, prefix="trouble")
        [proxied] = await seed(tg, fleet, 1, prefix="proxied", proxy=f"socks5://127.0.0.1:{closed_port()}")
        calls: Counter[str] = Counter()
        events = Events()

        async def job(client: Client, account: Account) -> None:
            while True:
                if account.label == flooded.label:
                    await client.invoke(functions.help.GetNearestDc())
                else:
                    await client.get_me()
                calls[account.label] += 1
                events.nudge()
                await asyncio.sleep(0.02)

        async with running(fleet, tg, job=job, events=events) as (worker, _):
            await events.until(lambda: len(events.connected()) == 5, what="the five reachable accounts connected")
            tg.force_flood(functions.help.GetNearestDc, 3600, times=1000)
            tg.revoke(auth_key_id=revoked.key_id)
            before = Counter(calls)
            await events.until(lambda: all(calls[a.label] >= before[a.label] + 30 for a in healthy),
                               what="the healthy accounts made 30 calls more each")  # fmt: skip
            await events.until(lambda: events.of("released", revoked.label), what="the revoked one let go")
            assert any("FLOOD_WAIT_3600" in str(e["detail"]) for e in events.of("error", flooded.label))
            assert any("ProxyError" in str(e["detail"]) for e in events.of("error", proxied.label))
            states = {a.label: a.state for a in await fleet.accounts.list()}
            assert states[revoked.label] is AccountState.NEEDS_LOGIN
            assert states[proxied.label] is AccountState.UNREACHABLE  # never terminal: still held, retried
            assert states[flooded.label] is AccountState.LIMITED  # an hour's wait: limited (until then), still held
            assert {states[a.label] for a in healthy} == {AccountState.ACTIVE}
            assert proxied.label in worker.holding() and flooded.label in worker.holding()
            assert revoked.label not in worker.holding()


@pytest.mark.parametrize("new_store", ["sqlite"], indirect=True)
async def test_fleet_run_is_cancellable_and_drains_first(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        await seed(tg, fleet, 2)
        events = Events()
        task = asyncio.create_task(fleet.run(network=tg.network, api_id=tg.api_id, on_event=events.add))
        await events.until(lambda: len(events.connected()) == 2, what="both connected")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await within(task, TIMEOUT)
        assert len(events.of("released")) == 2 and events.seen[-1]["event"] == "stopped"
        assert set(holders(await fleet.leases.list()).values()) == {None}


async def test_no_secret_reaches_the_log_or_an_error(store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Import, export, a refused duplicate, a worker connecting and draining, all logged at DEBUG: neither the auth
    key (in any spelling), nor a session string, nor the seal key shows."""
    caplog.set_level(logging.DEBUG)
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [seeded] = await seed(tg, fleet, 1)
        exported = [await fleet.accounts.export(seeded.label, fmt) for fmt in ("pyrogram", "telethon")]
        key = decode_session_string(exported[0]).auth_key
        with pytest.raises(DuplicateAccountError) as duplicate:
            await fleet.accounts.import_session(exported[1], label="copy")
        async with running(fleet, tg) as (_, events):
            await events.until(lambda: events.connected(), what="the account connected")
        seal_key = Path(os.environ["TGFLEET_FLEET_KEY_FILE"]).read_text().strip()
    assert caplog.records  # the run did log
    text = "\n".join([caplog.text, str(duplicate.value), *(r.getMessage() for r in caplog.records)])
    secrets = [key.hex(), key[:16].hex(), base64.b64encode(key).decode()[:40], repr(key)[:40], seal_key, *exported]
    assert [s[:12] for s in secrets if s in text] == []
