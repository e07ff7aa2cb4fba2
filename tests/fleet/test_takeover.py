"""PostgreSQL: a takeover ends the store sessions of a stale holder that block it, and nobody else's.

The blocking sessions are real ones: connections of their own holding a row lock on the account (or its lease) in an
open transaction, named as a holder's process would be (``application_name``, the ``workers.session`` of its row). A
stale holder's is ended and the grant goes through; a session of a process with a live worker, or one that is not a
tgfleet worker's, is left alone and the grant fails after its lock wait (a claim grants the rest and counts it);
ending one without the privilege is a TakeoverBlocked that names the holder. ``idle_transaction_limit`` ends a
session idle inside a transaction (measured on PostgreSQL 15: not when it went idle right after a pipeline, a
transaction's first round trip; after a statement of its own, yes).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

import pytest

from tgfleet.fleet import Fleet, LeaseSettings, StoreError, Worker
from tgfleet.fleet.errors import TakeoverBlocked
from tgfleet.fleet.records import account_resource

from .helpers import populate, until
from .pgcluster import Cluster

psycopg = pytest.importorskip("psycopg")
SETTINGS = LeaseSettings(ttl=0.4, renew_interval=0.1, grace=0.4)
STALE_NAME = "tgfleet stale-process 1@elsewhere"
ROLE = "tgfleet_plain"  # a role with no right to end another role's sessions


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    yield pg_cluster.create_database()


async def stale_lease(fleet: Fleet, account_id: int, *, live_sibling: bool = False) -> Worker:
    """A lease on the account whose holder is another process that stopped: its row names that process's sessions
    ``STALE_NAME``, and the lease is past expiry plus grace. ``live_sibling``: that process has another worker row
    that keeps its heartbeat fresh (it is alive) for as long as the test runs."""
    dead = await fleet.workers.register(5)
    await fleet.leases.acquire_account(account_id, dead)
    names = [dead.id]
    if live_sibling:
        names.append((await fleet.workers.register(0)).id)
    async with fleet.store.transaction() as tx:
        for worker_id in names:
            await tx.execute("UPDATE workers SET session = :s WHERE id = :id", {"s": STALE_NAME, "id": worker_id})

    if live_sibling:
        sibling = await fleet.workers.get(names[1])

        async def beat() -> None:
            while True:
                await fleet.workers.heartbeat(sibling)
                await asyncio.sleep(SETTINGS.renew_interval)

        _beating.append(asyncio.create_task(beat()))

    async def stale() -> bool | None:
        async with fleet.store.transaction(readonly=True) as tx:
            return await tx.scalar(
                "SELECT expires_at + :grace < {now} FROM leases WHERE resource = :r",
                {"grace": SETTINGS.grace, "r": account_resource(account_id)},
            ) or None  # fmt: skip

    await until(stale)
    return dead


@pytest.fixture(autouse=True)
async def _stop_beating() -> AsyncIterator[None]:
    yield
    for task in _beating:
        task.cancel()
    await asyncio.gather(*_beating, return_exceptions=True)
    _beating.clear()


_beating: list[asyncio.Task[None]] = []


LOCKS = {
    "accounts": "UPDATE accounts SET updated_at = updated_at WHERE id = %s",  # as a fenced write does
    "leases": "UPDATE leases SET renewed_at = renewed_at WHERE account_id = %s",  # as a renewal or a release does
}


@asynccontextmanager
async def row_locked(
    url: str, account_id: int, name: str, table: str = "accounts", **connect: Any
) -> AsyncIterator[Any]:
    """A session named ``name`` inside a transaction that locks the account's row in ``table`` (``LOCKS``)."""
    conn = await psycopg.AsyncConnection.connect(url, application_name=name, **connect)
    try:
        await conn.execute(LOCKS[table], [account_id])
        yield conn
    finally:
        await conn.close()


async def alive(conn: Any) -> bool:
    try:
        await conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


async def test_a_stale_holders_session_that_blocks_the_grant_is_ended(pg_url: str) -> None:
    async with Fleet.open(pg_url, settings=SETTINGS) as fleet:
        [account_id] = await populate(fleet, 1)
        dead = await stale_lease(fleet, account_id)
        taker = await fleet.workers.register(5)
        async with row_locked(pg_url, account_id, STALE_NAME) as blocker:
            lease = await fleet.leases.acquire_account(account_id, taker)
            assert (lease.holder, lease.epoch) == (taker.id, 2)
            assert not await alive(blocker)  # its transaction was rolled back with its session
        assert (await fleet.accounts.get(account_id)).holder == taker.id
        assert dead.id != taker.id


@pytest.mark.parametrize("table", ["accounts", "leases"])
async def test_claims_end_a_stale_holders_blocking_session_too(pg_url: str, table: str) -> None:
    """An account row locked: the fence waits for it. A lease row: the grant skips it (``FOR UPDATE SKIP LOCKED``),
    and the claim's second pass waits for it. Either way the guard ends the stale holder's session."""
    async with Fleet.open(pg_url, settings=SETTINGS) as fleet:
        ids = await populate(fleet, 3)
        for account_id in ids:
            await stale_lease(fleet, account_id)
        taker = await fleet.workers.register(5)
        async with row_locked(pg_url, ids[1], STALE_NAME, table) as blocker:
            claimed = await fleet.leases.claim(taker)
            assert sorted(lease.account_id for lease in claimed) == ids
            assert not await alive(blocker)
        held = {lease.resource: lease.holder for lease in await fleet.leases.list()}
        assert held == dict.fromkeys(map(account_resource, ids), taker.id)
        assert fleet.counters.claim_lock_timeouts == 0


@pytest.mark.parametrize("who", ["a live process", "not a tgfleet worker"])
async def test_a_claim_leaves_a_lease_whose_row_a_live_session_locked_and_takes_the_rest(pg_url: str, who: str) -> None:
    async with Fleet.open(pg_url, settings=SETTINGS) as fleet:
        ids = await populate(fleet, 3)
        live = who == "a live process"
        for i, account_id in enumerate(ids):
            await stale_lease(fleet, account_id, live_sibling=live and i == 0)  # (one sibling: the process lives)
        taker = await fleet.workers.register(5)
        async with row_locked(pg_url, ids[1], STALE_NAME if live else "psql", "leases") as blocker:
            claimed = await fleet.leases.claim(taker)
            assert sorted(lease.account_id for lease in claimed) == [ids[0], ids[2]]
            assert await alive(blocker)
            assert fleet.counters.claim_lock_timeouts == 1  # gave up after the lock wait: no error for the worker
            await blocker.rollback()
        [lease] = await fleet.leases.claim(taker)  # once it let go, the next claim takes it
        assert (lease.account_id, lease.holder) == (ids[1], taker.id)


@pytest.mark.parametrize("who", ["a live process", "not a tgfleet worker"])
async def test_a_session_of_a_live_process_or_of_anyone_else_is_never_ended(pg_url: str, who: str) -> None:
    async with Fleet.open(pg_url, settings=SETTINGS) as fleet:
        [account_id] = await populate(fleet, 1)
        await stale_lease(fleet, account_id, live_sibling=who == "a live process")
        taker = await fleet.workers.register(5)
        name = STALE_NAME if who == "a live process" else "psql"
        async with row_locked(pg_url, account_id, name) as blocker:
            with pytest.raises(StoreError, match="lock timeout"):
                await fleet.leases.acquire_account(account_id, taker)
            assert await alive(blocker)
            await blocker.rollback()
        lease = await fleet.leases.acquire_account(account_id, taker)  # once it let go, the takeover goes through
        assert lease.holder == taker.id


async def test_ending_a_session_without_the_privilege_names_the_stale_holder(pg_cluster: Cluster) -> None:
    url = pg_cluster.create_database()
    name = url.split("///", 1)[1].split("?", 1)[0]
    with psycopg.connect(url, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone() is None:
            admin.execute(f"CREATE ROLE {ROLE} LOGIN")
        admin.execute(f"ALTER DATABASE {name} OWNER TO {ROLE}")
        admin.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
    plain = url.replace("user=postgres", f"user={ROLE}")
    async with Fleet.open(plain, settings=SETTINGS) as fleet:
        [account_id] = await populate(fleet, 1)
        dead = await stale_lease(fleet, account_id)
        taker = await fleet.workers.register(5)
        async with row_locked(url, account_id, STALE_NAME) as blocker:  # the superuser's session
            with pytest.raises(TakeoverBlocked) as blocked:
                await fleet.leases.acquire_account(account_id, taker)
            assert (blocked.value.holder, blocked.value.resource) == (dead.id, account_resource(account_id))
            assert "pg_signal_backend" in str(blocked.value) and dead.id in str(blocked.value)
            assert await alive(blocker)


@pytest.mark.parametrize("limit", [0.5, 0.0])
async def test_a_session_idle_inside_a_transaction_is_ended_after_the_limit(pg_url: str, limit: float) -> None:
    settings = LeaseSettings(ttl=30.0, renew_interval=10.0, grace=10.0, idle_transaction_limit=limit)
    async with Fleet.open(pg_url, settings=settings) as fleet:
        await populate(fleet, 1)
        with pytest.raises(StoreError) if limit else nullcontext():
            async with fleet.store.transaction() as tx:
                await tx.execute("UPDATE accounts SET updated_at = updated_at")  # (with BEGIN, in a pipeline)
                await tx.execute("UPDATE accounts SET updated_at = updated_at")  # idle after this one
                session = tx.session

                async def idle_long_enough() -> bool | None:  # the server ended it, or it was idle twice the limit
                    async with fleet.store.transaction(readonly=True) as probe:
                        return await probe.scalar(
                            "SELECT count(*) = 0 OR bool_and(state_change < now() - interval '1 second')"
                            " FROM pg_stat_activity WHERE pid = :pid", {"pid": session}
                        ) or None  # fmt: skip

                await until(idle_long_enough)
                await tx.execute("UPDATE accounts SET updated_at = updated_at")
        async with fleet.store.transaction() as tx:  # the store goes on (a broken connection is never reused)
            assert await tx.scalar("SELECT count(*) FROM accounts") == 1
