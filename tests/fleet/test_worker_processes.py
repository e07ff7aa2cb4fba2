"""Workers as real OS processes (``tgfleet fleet worker``, or a script running ``Worker`` with a busy job) over one
store (SQLite and PostgreSQL) and one sandbox (in this process, so its ``key_use`` observer sees every packet).

20 accounts with existing keys: two workers hold each exactly once, ten each; ``kill -9`` one and the other holds and
connects all of them within TTL + grace + 5 s; a worker stopped (SIGSTOP) past its lease sends nothing more on its
old accounts once resumed and its stale session writes are refused (counted, reported when it stops); SIGTERM hands
every lease back at once (the other takes them long before the TTL); a second Ctrl-C stops a worker at once, even
while its drain is stuck on the store. No two connections ever use one auth key at the same time.
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.store import open_store
from tgfleet.sandbox import Sandbox

from .workers import (
    BUSY_WORKER,
    TIMEOUT,
    Seeded,
    WorkerProcess,
    holders,
    seed,
    sessions_locking,
    stop_inside_a_transaction,
    stop_outside_a_transaction,
    write_info,
)

TTL = 3.0
SETTINGS = LeaseSettings(ttl=TTL, renew_interval=TTL / 3, grace=TTL / 3)
TAKEOVER = TTL + SETTINGS.grace + 5.0
"""The bound of a takeover after a holder died: its lease's TTL, the grace period, and 5 s to connect."""
ACCOUNTS = 20


@dataclass
class Setup:
    tg: Sandbox
    fleet: Fleet
    accounts: list[Seeded]
    store_url: str
    info: Path


@asynccontextmanager
async def fleet_of(store_url: str, tmp_path: Path, count: int = ACCOUNTS) -> AsyncIterator[Setup]:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, count)
        yield Setup(tg, fleet, accounts, store_url, write_info(tg, tmp_path / "sandbox.json"))
        assert tg.key_use.overlaps() == []  # never two connections on one key at once, whatever happened
        assert tg.stats()["auth_key_duplicated"] == 0  # so the sandbox never had to answer AUTH_KEY_DUPLICATED


@asynccontextmanager
async def processes(*starting: asyncio.Future[WorkerProcess]) -> AsyncIterator[list[WorkerProcess]]:
    workers = [await s for s in starting]
    try:
        for w in workers:
            await w.started()
        yield workers
    finally:
        for w in workers:
            w.signal(signal.SIGCONT)
            await w.close()


async def split_evenly(s: Setup, workers: list[WorkerProcess]) -> dict[str, str | None]:
    """Wait until every account is held once, evenly, and connected by its holder; the holders."""

    async def done() -> dict[str, str | None] | None:
        held = holders(await s.fleet.leases.list())
        counts = Counter(held.values())
        if None in counts or sorted(counts.values()) != [len(s.accounts) // len(workers)] * len(workers):
            return None
        for w in workers:
            if set(w.events.connected()) != {label for label, holder in held.items() if holder == w.id}:
                return None
        return held

    return await wait_for(done, [w.events for w in workers], TIMEOUT, "an even split, every account connected")


async def wait_for(check, events, timeout: float, what: str):  # type: ignore[no-untyped-def]
    """``check()`` (async, None until done) re-run whenever one of the ``events`` logs changes, bounded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (result := await check()) is None:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"not within {timeout} s: {what}; last events: {[e.seen[-5:] for e in events]}")
        waits = [asyncio.ensure_future(e.next_change()) for e in events]
        await asyncio.wait(waits, timeout=min(left, 0.5), return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
    return result


async def all_held_by(s: Setup, worker: WorkerProcess, timeout: float) -> None:
    async def done() -> bool | None:
        held = holders(await s.fleet.leases.list())
        mine = {label for label, holder in held.items() if holder == worker.id}
        return (len(mine) == len(s.accounts) and set(worker.events.connected()) == mine) or None

    await wait_for(done, [worker.events], timeout, f"every account held and connected by {worker.id}")


def start_cli(s: Setup, *args: str, ttl: float = TTL) -> asyncio.Future[WorkerProcess]:
    return asyncio.ensure_future(WorkerProcess.cli(s.store_url, s.info, *args, ttl=ttl))


def start_busy(s: Setup, flush_delay: float = 3600.0, *more: float) -> asyncio.Future[WorkerProcess]:
    """A BUSY_WORKER; ``more``: its idle-in-transaction limit, then its renew interval."""
    return asyncio.ensure_future(
        WorkerProcess.script(BUSY_WORKER, s.store_url, str(s.info), str(TTL), str(flush_delay), *map(str, more))
    )


async def test_two_workers_hold_each_account_once_and_one_takes_over_when_the_other_is_killed(
    store_url: str, tmp_path: Path
) -> None:
    async with fleet_of(store_url, tmp_path) as s, processes(start_cli(s), start_cli(s)) as (one, two):
        held = await split_evenly(s, [one, two])
        mine = {label for label, holder in held.items() if holder == one.id}
        one.signal(signal.SIGKILL)
        await all_held_by(s, two, TAKEOVER)
        assert all(two.events.connected()[label] > 1 for label in mine)  # new epochs: taken over, fenced


async def resume_then_stop(s: Setup, one: WorkerProcess, two: WorkerProcess, old: dict[str, int]) -> dict[str, Any]:
    """SIGCONT the stopped worker ``one``: it fences every ``old`` account (label -> key id); then SIGTERM both. Nothing
    arrived on its old connections once the other worker's began (no key on two connections at once). The stopped
    worker's final counters."""
    one.signal(signal.SIGCONT)
    await one.events.until(lambda: len({e["account"] for e in one.events.of("fenced")} & set(old)) == len(old),
                           what="the resumed worker fenced every old account")  # fmt: skip
    one.signal(signal.SIGTERM)
    two.signal(signal.SIGTERM)
    assert await one.exited() == 0 and await two.exited() == 0
    assert [(key, a, b) for key, a, b in s.tg.key_use.overlaps() if key in old.values()] == []
    [stopped] = one.events.of("stopped")
    return dict(stopped["detail"])


async def test_a_worker_stopped_past_its_lease_sends_nothing_once_resumed_and_its_writes_are_refused(
    store_url: str, tmp_path: Path
) -> None:
    async with fleet_of(store_url, tmp_path) as s, processes(start_busy(s), start_busy(s)) as (one, two):
        held = await split_evenly(s, [one, two])
        old = {a.label: a.key_id for a in s.accounts if held[a.label] == one.id}
        await stop_outside_a_transaction(one, s.store_url)
        await all_held_by(s, two, TAKEOVER)
        stopped = await resume_then_stop(s, one, two, old)
        assert stopped["fence_refusals"] >= len(old)  # each old account's pending write was refused


async def test_a_worker_frozen_inside_a_transaction_is_taken_over_and_writes_nothing_once_resumed(
    store_url: str, tmp_path: Path
) -> None:
    """PostgreSQL: the stopped worker keeps its transaction's row locks on its accounts, and no idle timeout ends its
    session (its limit is off), so only the takeover's ending of a stale holder's session lets the other in. It
    flushes its sessions every 0.05 s: a fenced write (which locks the account's row) is nearly always under way."""
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer: a process stopped holding its write lock stops every writer (documented)")
    async with fleet_of(store_url, tmp_path) as s, processes(start_busy(s, 0.05, 0.0), start_busy(s)) as (one, two):
        held = await split_evenly(s, [one, two])
        old = {a.label: a.key_id for a in s.accounts if held[a.label] == one.id}
        await stop_inside_a_transaction(one, s.store_url)
        await all_held_by(s, two, TAKEOVER)
        assert await sessions_locking(s.store_url, one.id) == 0  # ended, not finished
        stopped = await resume_then_stop(s, one, two, old)
        assert stopped["fence_refusals"] >= 1  # what it had not written when it stopped was refused


async def test_a_worker_frozen_inside_a_renewal_is_taken_over_though_it_keeps_its_lease_rows_locked(
    store_url: str, tmp_path: Path
) -> None:
    """PostgreSQL: the stopped worker keeps its renewal's row locks on its leases (its idle limit is off), which the
    other's claim skips (``FOR UPDATE SKIP LOCKED``); its second pass waits for them, and the takeover ends the stale
    holder's session. It renews every 0.05 s: a renewal (or another change of its lease rows) is often under way."""
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite has no row locks: its one writer's lock stops every writer (documented)")
    async with fleet_of(store_url, tmp_path) as s, processes(start_busy(s, 3600.0, 0.0, 0.05), start_busy(s)) \
            as (one, two):  # fmt: skip
        held = await split_evenly(s, [one, two])
        old = {a.label: a.key_id for a in s.accounts if held[a.label] == one.id}
        await stop_inside_a_transaction(one, s.store_url, "leases")
        await all_held_by(s, two, TAKEOVER)
        assert await sessions_locking(s.store_url, one.id, "leases") == 0  # ended, not finished
        stopped = await resume_then_stop(s, one, two, old)
        assert stopped["fence_refusals"] >= len(old)  # each old account's pending write was refused


async def test_sigterm_hands_every_lease_back_and_the_other_worker_takes_them_at_once(
    store_url: str, tmp_path: Path
) -> None:
    long_ttl = 120.0  # a takeover that waited for the TTL would miss every bound below
    async with fleet_of(store_url, tmp_path) as s, processes(start_cli(s, ttl=long_ttl), start_cli(s, ttl=long_ttl)) \
            as (one, two):  # fmt: skip
        held = await split_evenly(s, [one, two])
        before = len(one.events.of("released"))  # (it may have handed some back already, when two started)
        one.signal(signal.SIGTERM)
        assert await one.exited() == 0
        released = {e["account"] for e in one.events.of("released")[before:]}
        assert released == {label for label, holder in held.items() if holder == one.id}
        assert one.events.seen[-2]["event"] == "stopped"  # (the last one: its output ended)
        await all_held_by(s, two, TIMEOUT)


async def test_a_second_ctrl_c_stops_a_worker_at_once(store_url: str, tmp_path: Path) -> None:
    async with fleet_of(store_url, tmp_path, count=4) as s, processes(start_cli(s, ttl=120.0)) as (one,):
        await all_held_by(s, one, TIMEOUT)
        async with write_locked(s.store_url):  # its drain waits on the store (to flush, then release)...
            one.signal(signal.SIGINT)
            await one.events.until(lambda: one.events.of("draining"), what="the first Ctrl-C drains")
            one.signal(signal.SIGINT)  # ...the second stops it at once
            assert await one.exited(timeout=20.0) == 130
        assert set(holders(await s.fleet.leases.list()).values()) == {one.id}  # nothing handed back: they expire
        assert not one.events.of("released")


@asynccontextmanager
async def write_locked(store_url: str) -> AsyncIterator[None]:
    """Hold the store's write lock (SQLite) or a lock on every account row (PostgreSQL) for the block."""
    store = await open_store(store_url)
    held, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with store.transaction() as tx:
            await tx.execute("UPDATE accounts SET updated_at = updated_at")
            held.set()
            await done.wait()

    task = asyncio.create_task(hold())
    await held.wait()
    try:
        yield
    finally:
        done.set()
        await task
        await store.close()


async def test_the_workers_help() -> None:
    proc = await WorkerProcess.start("-m", "tgfleet.cli", "fleet", "worker", "--help")
    assert await proc.exited() == 0
    assert any("--lease-ttl" in line for line in proc.other_lines)


KILLS = 8  # benchmarks/fleet.py --chaos runs 30


async def test_random_kills_of_busy_workers_never_put_one_key_on_two_connections(
    store_url: str, tmp_path: Path
) -> None:
    rng = random.Random()
    seed_value = rng.randrange(1 << 30)
    rng.seed(seed_value)
    async with fleet_of(store_url, tmp_path, count=12) as s:
        workers = [await start_busy(s, flush_delay=1.0), await start_busy(s, flush_delay=1.0)]
        try:
            for w in workers:
                await w.started()
            for _ in range(KILLS):
                # a random moment, accounts busy (a worker may still be starting, or taking over: fine too)
                await asyncio.sleep(rng.uniform(0.2, 1.5))
                victim = rng.randrange(len(workers))
                workers[victim].signal(signal.SIGKILL)
                await workers[victim].close()
                workers[victim] = await start_busy(s, flush_delay=1.0)

            async def settled() -> bool | None:
                held = holders(await s.fleet.leases.list())
                connected = {label for w in workers for label in w.events.connected()}
                return (None not in held.values() and connected == set(held)) or None

            await wait_for(settled, [w.events for w in workers], TIMEOUT, f"every account running (seed {seed_value})")
        finally:
            for w in workers:
                await w.close()
        states = {a.label: a.state.value for a in await s.fleet.accounts.list()}
        assert "revoked" not in states.values() and "needs_login" not in states.values(), (seed_value, states)
        assert s.tg.key_use.overlaps() == [], seed_value
        assert s.tg.stats()["auth_key_duplicated"] == 0, seed_value
