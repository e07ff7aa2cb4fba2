"""The store itself, on both engines: schema versions and migrations, the URL, sealing at rest, wake-ups."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import sqlite3
import stat
import sys
import threading
from pathlib import Path
from types import FrameType

import pytest

from tgfleet.fleet import (
    Fleet,
    SchemaTooNewError,
    SealedDataError,
    SealKeyError,
    StoreError,
    StoreMissingError,
    StoreUrlError,
)
from tgfleet.fleet.store import MIGRATIONS, SCHEMA_VERSION, IntegrityError, open_store, parse_url
from tgfleet.net.timeouts import within

from .helpers import pyrogram_string, until
from .pgcluster import Cluster
from .workers import TIMEOUT

TEST_V2 = ("ALTER TABLE accounts ADD COLUMN note TEXT", "UPDATE accounts SET note = 'migrated'")


async def version(url: str) -> int:
    store = await open_store(url, migrations=(*MIGRATIONS, TEST_V2))
    try:
        async with store.transaction(readonly=True) as tx:
            return int(await tx.scalar("SELECT version FROM schema_version"))
    finally:
        await store.close()


async def test_a_fresh_store_is_created_at_the_current_version(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, fleet.store.transaction(readonly=True) as tx:
        assert await tx.scalar("SELECT version FROM schema_version") == SCHEMA_VERSION


async def test_an_older_store_is_migrated_on_open_and_a_newer_one_refused(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(pyrogram_string(), label="kept")
    store = await open_store(store_url, migrations=(*MIGRATIONS, TEST_V2))  # a tgfleet with one more migration
    async with store.transaction(readonly=True) as tx:
        assert await tx.fetch("SELECT label, note FROM accounts") == [("kept", "migrated")]
        assert await tx.scalar("SELECT version FROM schema_version") == SCHEMA_VERSION + 1
    await store.close()
    with pytest.raises(SchemaTooNewError) as newer:  # and this tgfleet, one migration behind, refuses it
        await Fleet.open(store_url)
    assert (newer.value.found, newer.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert f"version {SCHEMA_VERSION + 1}" in str(newer.value) and f"version {SCHEMA_VERSION})" in str(newer.value)


async def test_a_missing_store_is_not_created_unless_asked(store_url: str) -> None:
    with pytest.raises(StoreMissingError, match="tgfleet fleet init"):
        await Fleet.open(store_url, create=False)
    async with Fleet.open(store_url):
        pass
    async with Fleet.open(store_url, create=False) as fleet:
        assert await fleet.accounts.list() == []


@pytest.mark.parametrize("new_store", ["sqlite"], indirect=True)
async def test_an_sqlite_store_is_in_wal_mode(store_url: str) -> None:
    """WAL: readers never block the writer (the worker's renewals beside a reader); the mode lives in the file."""
    async with Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(pyrogram_string(), label="a")
    with contextlib.closing(sqlite3.connect(parse_url(store_url).path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("url", ["", "fleet.db", "mysql://x/y", "sqlite://fleet.db", "sqlite:///", "sqlite:///dir/"])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreUrlError):
        parse_url(url)


def test_urls_never_show_passwords() -> None:
    assert "s3cret" not in parse_url("postgresql://fleet:s3cret@db.example/fleet").display
    assert "s3cret" not in parse_url("postgresql:///fleet?user=f&password=s3cret&host=/tmp").display
    assert parse_url("sqlite:////var/lib/fleet.db").path == "/var/lib/fleet.db"


async def test_an_unreachable_postgresql_server_names_the_cause(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot connect to postgresql"):
        await Fleet.open(f"postgresql:///fleet?host={tmp_path}")  # no server on that socket


async def test_auth_keys_are_not_stored_in_clear(new_store, request: pytest.FixtureRequest, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = new_store()
    key = os.urandom(256)
    async with Fleet.open(url) as fleet:
        account = await fleet.accounts.import_session(pyrogram_string(key=key), label="secret")
        assert key.hex() not in repr(account) and "sealed" not in repr(await fleet.accounts.list())
        lease = await fleet.leases.acquire_account(account.id, await fleet.workers.register(1))
        snapshot = await fleet.sessions.load(lease)
        assert snapshot.home_key == key and str(key) not in repr(snapshot) and key.hex() not in repr(snapshot)
        async with fleet.store.transaction() as tx:
            [(sealed,)] = await tx.fetch("SELECT sealed_key FROM session_dcs")
            if tx.dialect.name == "postgresql":
                await tx.execute("CHECKPOINT")
        assert key not in bytes(sealed) and len(sealed) == 256 + 28
    if url.startswith("sqlite"):
        files = list(tmp_path.glob("fleet*.db*"))
    else:
        files = [p for p in request.getfixturevalue("pg_cluster").data.rglob("*") if p.is_file()]
    assert files
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # a file the server replaced meanwhile (pg_internal.init, a temporary file)
            continue
        assert key[:32] not in data, path  # grep the database files for the key


async def test_a_wrong_or_missing_seal_key_is_a_clear_error(store_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    async with Fleet.open(store_url) as fleet:
        key_id = fleet.key_id
        await fleet.accounts.import_session(pyrogram_string(), label="a")
    key_file = Path(os.environ["TGFLEET_FLEET_KEY_FILE"])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # created on first use, owner-only
    monkeypatch.setenv("TGFLEET_FLEET_KEY", base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SealKeyError, match=f"is not the key .* is sealed with \\(key {key_id}\\)"):
        await Fleet.open(store_url)
    monkeypatch.setenv("TGFLEET_FLEET_KEY", "not base64!")
    with pytest.raises(SealKeyError, match="not base64"):
        await Fleet.open(store_url)
    monkeypatch.delenv("TGFLEET_FLEET_KEY")
    monkeypatch.setenv("TGFLEET_FLEET_KEY_FILE", str(tmp_path / "elsewhere.key"))
    with pytest.raises(SealKeyError, match="no key was found"):
        await Fleet.open(store_url)
    monkeypatch.setenv("TGFLEET_FLEET_KEY", key_file.read_text().strip())
    async with Fleet.open(store_url) as fleet:  # the right key, from the environment
        assert [a.label for a in await fleet.accounts.list()] == ["a"]


async def test_a_sealed_key_moved_to_another_account_does_not_open(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        a = await fleet.accounts.import_session(pyrogram_string(), label="a")
        b = await fleet.accounts.import_session(pyrogram_string(), label="b")
        async with fleet.store.transaction() as tx:
            await tx.execute(
                "UPDATE session_dcs SET sealed_key = (SELECT sealed_key FROM session_dcs WHERE account_id = :a)"
                " WHERE account_id = :b", {"a": a.id, "b": b.id},
            )  # fmt: skip
        with pytest.raises(SealedDataError, match=f"account {b.id}"):
            await fleet.accounts.export("b", "pyrogram")
        worker = await fleet.workers.register(1)
        with pytest.raises(SealedDataError):
            await fleet.sessions.storage(await fleet.leases.acquire_account(b.id, worker))
        assert await fleet.accounts.export("a", "pyrogram")  # the original still opens


async def test_wake_ups_reach_a_listener_on_another_handle(store_url: str) -> None:
    async with Fleet.open(store_url) as listener_side, Fleet.open(store_url) as writer:
        wakeups = await listener_side.wakeups()
        try:
            account = await writer.accounts.import_session(pyrogram_string(), label="w")
            payload = await asyncio.wait_for(wakeups.next(), 20)
            assert payload == str(account.id)
        finally:
            await wakeups.close()


async def test_a_transaction_cancelled_while_it_waits_for_the_write_lock_leaves_the_store_usable(
    store_url: str,
) -> None:
    """A worker cancels store calls (an account stopped, a renewal timed out); the handle must stay usable."""
    async with Fleet.open(store_url) as fleet:
        other, watcher = await open_store(store_url), await open_store(store_url)
        holding, release = asyncio.Event(), asyncio.Event()
        bump = "UPDATE counters SET value = value + :n WHERE name = 'ready_accounts'"

        async def hold() -> None:
            async with other.transaction() as tx:  # the write lock (SQLite) / the row's lock (PostgreSQL)
                await tx.execute(bump, {"n": 0})
                holding.set()
                await release.wait()

        async def blocked() -> None:
            async with fleet.store.transaction() as tx:
                await tx.execute(bump, {"n": 100})

        async def waits_for_the_lock() -> bool | None:
            if store_url.startswith("sqlite"):
                return sqlite_thread_busy() or None  # its BEGIN IMMEDIATE runs in the store's thread, waiting
            async with watcher.transaction(readonly=True) as tx:
                return await tx.scalar("SELECT count(*) > 0 FROM pg_locks WHERE NOT granted") or None

        holder = asyncio.create_task(hold())
        try:
            await asyncio.wait_for(holding.wait(), 20)
            task = asyncio.create_task(blocked())
            await until(waits_for_the_lock)
            task.cancel()
        finally:
            release.set()  # (the cancelled transaction's rollback waits for its BEGIN, which waits for the lock)
            await holder
        with pytest.raises(asyncio.CancelledError):
            await task
        async with fleet.store.transaction() as tx:  # the handle works, and the cancelled change is not there
            await tx.execute(bump, {"n": 1})
        async with fleet.store.transaction(readonly=True) as tx:
            assert await tx.scalar("SELECT value FROM counters WHERE name = 'ready_accounts'") == 1
        await other.close()
        await watcher.close()


def sqlite_thread_busy() -> bool:
    """Whether an SQLite store's thread is running a statement (not waiting for work): the thread of a
    ``concurrent.futures`` executor runs its work item in ``_WorkItem.run`` (somewhere up its stack)."""
    threads = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if threads.get(ident, "").startswith("tgfleet-fleet-sqlite"):
            calls: FrameType | None = frame
            while calls is not None:
                if calls.f_code.co_name == "run":
                    return True
                calls = calls.f_back
    return False


async def test_a_batch_runs_in_order_says_what_each_statement_did_and_a_failure_rolls_it_back(store_url: str) -> None:
    await a_batch_runs_in_order_and_a_failure_rolls_it_back(store_url)


async def test_without_pipelines_a_batch_runs_one_statement_at_a_time_to_the_same_effect(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libpq older than 14 cannot pipeline: psycopg says so (``Pipeline.is_supported()``) and refuses a pipeline."""
    psycopg = pytest.importorskip("psycopg")

    def refused(*args: object, **kwargs: object) -> None:
        raise psycopg.NotSupportedError("libpq too old for pipelines (as libpq 13 answers)")

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))
    monkeypatch.setattr(psycopg.AsyncConnection, "pipeline", refused)
    url = pg_cluster.create_database()
    await a_batch_runs_in_order_and_a_failure_rolls_it_back(url)
    await a_closing_batch_commits_with_its_statements_and_a_failure_rolls_back_all(url)
    async with Fleet.open(url) as fleet:  # a transaction's BEGIN, its wake-ups and COMMIT: one at a time too
        listener = await fleet.store.listen("bench")
        async with fleet.store.transaction() as tx:
            await tx.execute("UPDATE counters SET value = 1 WHERE name = 'ready_accounts'")
            tx.notify("bench", "one")
        assert await asyncio.wait_for(listener.next(), 30) == "one"
        await listener.close()


async def a_batch_runs_in_order_and_a_failure_rolls_it_back(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        bump = "UPDATE counters SET value = value + :n WHERE name = :name"
        read = ("SELECT value FROM counters WHERE name = 'ready_accounts'", None)
        first, other = {"n": 5, "name": "ready_accounts"}, {"n": 1, "name": "no such counter"}
        async with fleet.store.transaction() as tx:
            done = await tx.batch(
                [(bump, first), read, (bump, other), (bump, {"n": 2, "name": "ready_accounts"}), read]
            )
        assert [d.count for d in (done[0], done[2], done[3])] == [1, 0, 1]
        assert [done[1].rows, done[4].rows] == [[(5,)], [(7,)]]
        duplicate = ("INSERT INTO counters (name, value) VALUES ('ready_accounts', 0)", None)
        with pytest.raises(IntegrityError):
            async with fleet.store.transaction() as tx:
                await tx.batch([(bump, {"n": 100, "name": "ready_accounts"}), duplicate, read])
        async with fleet.store.transaction(readonly=True) as tx:
            assert await tx.scalar(read[0]) == 7  # the failed batch's first statement rolled back with it


async def test_a_closing_batch_commits_with_its_statements_and_a_failure_rolls_back_all(store_url: str) -> None:
    await a_closing_batch_commits_with_its_statements_and_a_failure_rolls_back_all(store_url)


async def a_closing_batch_commits_with_its_statements_and_a_failure_rolls_back_all(store_url: str) -> None:
    """``Tx.closing_batch``: its statements, the wake-ups and the commit at once (another handle sees them before
    the transaction's block ends); one that fails rolls back the whole transaction, and no wake-up goes."""
    async with Fleet.open(store_url) as fleet, Fleet.open(store_url) as other:
        bump = "UPDATE counters SET value = value + :n WHERE name = 'ready_accounts'"
        read = "SELECT value FROM counters WHERE name = 'ready_accounts'"
        listener = await fleet.store.listen("closing")
        async with fleet.store.transaction(readonly=True) as tx:
            start = int(await tx.scalar(read))
        async with fleet.store.transaction() as tx:
            await tx.execute(bump, {"n": 5})
            tx.notify("closing", "one")
            done = await tx.closing_batch([(bump, {"n": 2}), (read, None)])
            assert [done[0].count, done[1].rows] == [1, [(start + 7,)]]
            async with other.store.transaction(readonly=True) as seen:
                assert await seen.scalar(read) == start + 7  # committed already
        assert await asyncio.wait_for(listener.next(), 30) == "one"
        duplicate = ("INSERT INTO counters (name, value) VALUES ('ready_accounts', 0)", None)
        with pytest.raises(IntegrityError):
            async with fleet.store.transaction() as tx:
                await tx.execute(bump, {"n": 100})
                tx.notify("closing", "two")
                await tx.closing_batch([(bump, {"n": 1}), duplicate])
        async with fleet.store.transaction() as tx:
            assert await tx.scalar(read) == start + 7  # both bumps rolled back
            tx.notify("closing", "three")
        assert await asyncio.wait_for(listener.next(), 30) == "three"  # "two" never went
        await listener.close()


async def test_a_transaction_that_plans_generically_does_so_for_its_own_statements_only(store_url: str) -> None:
    """``Tx.plan_generically``: PostgreSQL runs the transaction's prepared statements by their generic plans (from its
    next statement on, for that transaction alone); SQLite has nothing to change (it plans once, at compile)."""
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite: nothing to set (the call is a no-op there)")
    mode = "SELECT current_setting('plan_cache_mode')"
    async with Fleet.open(store_url) as fleet:
        async with fleet.store.transaction() as tx:
            tx.plan_generically()
            assert await tx.scalar(mode) == "force_generic_plan"
        async with fleet.store.transaction() as tx:
            assert await tx.scalar(mode) == "auto"


async def test_another_process_closing_an_sqlite_store_loses_no_write_of_a_worker_on_it(tmp_path: Path) -> None:
    """A worker has two connections to the file (its leases have their own); a CLI command opening and closing the
    store meanwhile must not take itself for the last one, checkpoint and delete the WAL the worker still writes to:
    every later write of the worker would be lost to every other process."""
    url = f"sqlite:///{tmp_path / 'fleet.db'}"

    async def tokens_listed() -> str:  # in a process of its own, as an operator's command
        command = ["-m", "tgfleet.cli", "fleet", "token", "list", "--json", "--store", url]
        proc = await asyncio.create_subprocess_exec(sys.executable, *command, stdout=asyncio.subprocess.PIPE)
        out, _ = await within(proc.communicate(), TIMEOUT)
        assert proc.returncode == 0
        return out.decode()

    async with Fleet.open(url) as fleet:
        *_, leases_store = await fleet.lease_handles()
        try:
            await tokens_listed()
            await fleet.tokens.create("read", name="written-after")
            assert "written-after" in await tokens_listed()
        finally:
            await leases_store.close()
