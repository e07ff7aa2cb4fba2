"""``tgfleet fleet migrate``: a SQLite fleet copied into a real PostgreSQL keeps every row and id (sealed keys still
open under the same fleet key), new rows continue after the copied ids, and the copy refuses a target that has
accounts or a source whose leases are held."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.fleet import Fleet
from tgfleet.fleet.store.copy import CopyRefused, copy_store

from .helpers import populate, pyrogram_string
from .pgcluster import Cluster


@pytest.fixture
def postgres_url(pg_cluster: Cluster) -> str:
    return pg_cluster.create_database()


async def _fleet_with_traffic(url: str) -> dict[str, str]:
    async with Fleet.open(url) as fleet:
        await populate(fleet, 3)
        for i in range(5):
            await fleet.outbox.send(peer=f"@friend{i}", text=f"hello {i}", account=f"acct{i % 3}",
                                    idempotency_key=f"k{i}")  # fmt: skip
        return {a.label: await fleet.accounts.export(a.label, "pyrogram") for a in await fleet.accounts.list()}


async def test_a_sqlite_fleet_moves_into_postgresql_with_every_row(tmp_path: Path, postgres_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'fleet.db'}"
    exported = await _fleet_with_traffic(source)
    command = ["fleet", "migrate", "--store", source, "--to", postgres_url, "--json"]
    result = await asyncio.to_thread(CliRunner().invoke, main, command)
    assert result.exit_code == 0, result.output
    async with Fleet.open(source, create=False) as before, Fleet.open(postgres_url, create=False) as after:
        assert [(a.id, a.label, a.state) for a in await after.accounts.list()] == [
            (a.id, a.label, a.state) for a in await before.accounts.list()
        ]
        for label, text in exported.items():  # the sealed key opens on the new store: the same login comes out
            assert await after.accounts.export(label, "pyrogram") == text
        moved = await after.outbox.list()
        assert [(m.id, m.text, m.account, m.state) for m in moved] == [
            (m.id, m.text, m.account, m.state) for m in await before.outbox.list()
        ]
        again = await after.outbox.send(peer="@friend0", text="hello 0", account="acct0", idempotency_key="k0")
        assert again.id == moved[0].id  # the idempotency keys came along
        newer = await after.accounts.import_session(pyrogram_string(user_id=8_100_000_000), label="late")
        assert newer.id > max(a.id for a in await before.accounts.list())  # the identity goes on after the copy


async def test_the_copy_refuses_a_target_with_accounts_and_a_source_with_live_leases(
    tmp_path: Path, postgres_url: str
) -> None:
    source = f"sqlite:///{tmp_path / 'fleet.db'}"
    await _fleet_with_traffic(source)
    async with Fleet.open(source, create=False) as fleet, Fleet.open(postgres_url) as target:
        await populate(target, 1, prefix="there")
        with pytest.raises(CopyRefused, match="holds 1 accounts already"):
            await copy_store(fleet.store, target.store)
        async with Fleet.open(f"sqlite:///{tmp_path / 'empty.db'}") as empty:
            worker = await fleet.workers.register(5, host="h1", pid=11)
            [account] = [a for a in await fleet.accounts.list() if a.label == "acct0"]
            await fleet.leases.acquire_account(account.id, worker)
            with pytest.raises(CopyRefused, match="stop its workers first"):
                await copy_store(fleet.store, empty.store)
        with pytest.raises(CopyRefused, match="reads a SQLite store"):
            await copy_store(target.store, fleet.store)
