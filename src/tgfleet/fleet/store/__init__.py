"""The fleet store: one schema, two engines with the same semantics (docs/fleet.md).

Owns the engines and what is engine-specific: ``sqlite`` (``SQLiteStore``: the embedded default, one file, WAL,
``BEGIN IMMEDIATE`` for writes, one connection on a thread of its own) and ``postgres`` (``PostgresStore``: many
hosts, psycopg 3 asyncio connections, the database's clock, LISTEN/NOTIFY); the seam they share (``base``: ``Store``,
``Tx``, ``Dialect``); the numbered migrations (``schema``); the URL (``url``). Everything above writes its SQL once,
as a template the dialect compiles. May import the standard library, ``psycopg`` (optional) and
``tgfleet.fleet.errors`` / ``records`` / ``outbox_records``; nothing else of tgfleet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from tgfleet.fleet.store.base import (
    Dialect,
    Done,
    IntegrityError,
    Listener,
    LockTimeout,
    Statement,
    Store,
    Tx,
    session_name,
)
from tgfleet.fleet.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration, migrate
from tgfleet.fleet.store.url import DEFAULT_URL, STORE_ENV, StoreUrl, default_url, parse_url

__all__ = [
    "DEFAULT_URL",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "Dialect",
    "Done",
    "IntegrityError",
    "Listener",
    "LockTimeout",
    "Statement",
    "Store",
    "StoreUrl",
    "Tx",
    "default_url",
    "open_store",
    "parse_url",
    "session_name",
]


async def open_store(
    url: str,
    *,
    create: bool = True,
    migrations: Sequence[Migration] = MIGRATIONS,
    clock: Callable[[], float] = time.time,
    idle_transaction_limit: float = 0.0,
) -> Store:
    """Open the store at ``url`` and bring its schema to the current version (``migrations``: for tests of the
    migration path). ``create``: make a missing store (else StoreMissingError). ``clock``: SQLite's lease clock.
    ``idle_transaction_limit``: PostgreSQL ends a session idle inside a transaction for longer (seconds; 0: never)."""
    target = parse_url(url)
    store: Store
    if target.engine == "sqlite":
        from tgfleet.fleet.store.sqlite import SQLiteStore

        store = await SQLiteStore.open(target.path, create=create, clock=clock)
    else:
        from tgfleet.fleet.store.postgres import PostgresStore

        store = await PostgresStore.open(target.url, target.display, idle_transaction_limit=idle_transaction_limit)
    try:
        await migrate(store, create=create, migrations=migrations)
    except BaseException:
        await store.close()
        raise
    return store
