"""``copy_store``: every row of a SQLite fleet store into another store of the same schema (``tgfleet fleet migrate``).

The usual move is from the embedded SQLite file to PostgreSQL when a fleet grows to several hosts. Both stores are
open at the current schema version (opening applies the migrations), so their tables and columns are the same; the
copy reads the table list from the SQLite source (``sqlite_master``, in creation order, which is an order that
satisfies every foreign key: a table is created after the tables it points at) and copies each table's rows with
their ids unchanged, so sealed auth keys (bound to their account id) stay valid under the same fleet key.

The target must hold no accounts (the copy never merges two fleets) and the source no live lease (a worker still
running on it would go on writing there: stop them first). The target's rows are replaced in one transaction, so a
failed copy leaves it as it was. Rows the target's triggers write while the copy inserts (the change journal) are
replaced by the source's own at the end. On PostgreSQL each identity column continues after the highest id copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tgfleet.fleet.errors import StoreError
from tgfleet.fleet.store.base import Row, Store, Tx

BATCH = 1000
_TRIGGER_TARGET = re.compile(r"\bINSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class CopyRefused(StoreError):
    """The copy cannot start: the target already has accounts, a worker still holds leases on the source, or the
    source is not SQLite. What to do: what the message says (an empty target, stopped workers)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]


async def source_tables(tx: Tx) -> list[Table]:
    """The source's fleet tables in an order that satisfies their foreign keys; the tables its triggers write come
    last (their rows are the source's, copied after everything that would fire the triggers)."""
    rows = await tx.fetch("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY rowid")
    journal = {m.group(1) for kind, _, sql in rows if kind == "trigger" for m in _TRIGGER_TARGET.finditer(sql or "")}
    names = [n for kind, n, _ in rows if kind == "table" and n != "schema_version" and not n.startswith("sqlite_")]
    ordered = [n for n in names if n not in journal] + [n for n in names if n in journal]
    tables = []
    for name in ordered:
        if not _NAME.match(name):
            raise CopyRefused(f"unexpected table name {name!r} in the source store")
        columns = tuple(str(r[1]) for r in await tx.fetch(f"SELECT * FROM pragma_table_info('{name}')"))
        tables.append(Table(name, columns))
    return tables


async def _live_leases(tx: Tx) -> Sequence[Row]:
    return await tx.fetch("SELECT resource, holder FROM leases WHERE holder IS NOT NULL AND expires_at > {now} LIMIT 5")


async def copy_store(
    source: Store, target: Store, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every row of ``source`` (SQLite) into ``target``; the number of rows per table. Raises CopyRefused."""
    if source.dialect.name != "sqlite":
        raise CopyRefused("the copy reads a SQLite store; this source is " + source.dialect.name)
    async with source.transaction(readonly=True) as src:
        live = await _live_leases(src)
        if live:
            holders = ", ".join(f"{resource} by {holder}" for resource, holder in live)
            raise CopyRefused(f"leases are held on the source ({holders}): stop its workers first")
        tables = await source_tables(src)
        async with target.transaction() as dst:
            accounts = await dst.scalar("SELECT COUNT(*) FROM accounts")
            if accounts:
                raise CopyRefused(f"the target store holds {accounts} accounts already: migrate into an empty store")
            counts = {}
            for table in tables:
                counts[table.name] = await _copy_table(src, dst, table, progress)
            if target.dialect.name == "postgresql":
                await _continue_identities(dst, [t.name for t in tables])
    return counts


async def _copy_table(src: Tx, dst: Tx, table: Table, progress: Callable[[str, int], None] | None) -> int:
    columns = ", ".join(table.columns)
    keys = ", ".join(f":{c}" for c in table.columns)
    insert = f"INSERT INTO {table.name} ({columns}) VALUES ({keys})"
    await dst.execute(f"DELETE FROM {table.name}")  # rows the target's migrations or triggers made
    copied, last = 0, -(2**63)
    while True:  # pages by rowid (each page one index seek, unlike OFFSET, which rereads every row before it)
        rows = await src.fetch(
            f"SELECT rowid, {columns} FROM {table.name} WHERE rowid > :last ORDER BY rowid LIMIT :n",
            {"n": BATCH, "last": last},
        )
        if not rows:
            break
        await dst.executemany(insert, [dict(zip(table.columns, _plain(row[1:]), strict=True)) for row in rows])
        copied += len(rows)
        last = int(rows[-1][0])
        if progress is not None:
            progress(table.name, copied)
    if progress is not None and copied == 0:
        progress(table.name, 0)
    return copied


def _plain(row: Row) -> Row:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


async def _continue_identities(tx: Tx, names: Sequence[str]) -> None:
    """Each identity column of the copied tables goes on after its highest id (PostgreSQL)."""
    rows = await tx.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in rows:
        if table in names:
            await tx.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )
