"""The SQLite schema of a session file and its migrations.

``MIGRATIONS[i]`` brings a file from schema version ``i`` to ``i + 1`` (version 0: an empty file). All pending
migrations run in one transaction, so a failed migration leaves the file as it was. A file whose version is
higher than ``len(MIGRATIONS)`` was written by a newer tgfleet and is refused (StorageSchemaError). To change
the schema, append a migration; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from tgfleet.storage.errors import StorageCorruptError, StorageSchemaError

Migration = Callable[[sqlite3.Connection], None]

_V1 = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    # dc_id, test_mode, api_id, user_id, is_bot, dc_options_fetched_at, and the encryption setup
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value)",
    "CREATE TABLE dcs (dc_id INTEGER PRIMARY KEY, auth_key BLOB, server_salt INTEGER,"
    " time_offset REAL NOT NULL DEFAULT 0)",
    "CREATE TABLE dc_options (position INTEGER PRIMARY KEY, dc_id INTEGER NOT NULL, ip_address TEXT NOT NULL,"
    " port INTEGER NOT NULL, flags INTEGER NOT NULL, secret BLOB)",
    "CREATE TABLE peers (id INTEGER PRIMARY KEY,"
    " type TEXT NOT NULL CHECK (type IN ('user', 'bot', 'group', 'channel', 'supergroup')),"
    " access_hash INTEGER, username TEXT, username_key TEXT UNIQUE, phone TEXT UNIQUE,"
    " is_min INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL, resolved_at REAL)",
    "CREATE TABLE update_state (id INTEGER PRIMARY KEY CHECK (id = 1), pts INTEGER NOT NULL, qts INTEGER NOT NULL,"
    " date INTEGER NOT NULL, seq INTEGER NOT NULL)",
    "CREATE TABLE channel_pts (channel_id INTEGER PRIMARY KEY, pts INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (0)",
)


def _to_v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (_to_v1,)

DATA_TABLES = ("meta", "dcs", "dc_options", "peers", "update_state", "channel_pts")


def read_version(conn: sqlite3.Connection, path: str) -> int:
    """The file's schema version (0 for an empty file); StorageCorruptError for a foreign database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        if tables:
            names = ", ".join(sorted(tables))
            raise StorageCorruptError(
                f"{path} is an SQLite database but not a tgfleet session (tables: {names})", path=path
            )
        return 0
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise StorageCorruptError(f"{path}: the schema_version table is damaged ({rows!r})", path=path)
    return int(rows[0][0])


def migrate(conn: sqlite3.Connection, path: str, migrations: Sequence[Migration] | None = None) -> int:
    """Bring the file to the latest version in one transaction; returns the version it had before.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    steps = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        before = read_version(conn, path)
        if before > len(steps):
            raise StorageSchemaError(
                f"{path} has schema version {before}, newer than this tgfleet knows ({len(steps)}); upgrade tgfleet",
                path=path,
            )
        for step in steps[before:]:
            step(conn)
        if before != len(steps):
            conn.execute("UPDATE schema_version SET version = ?", (len(steps),))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return before


def meta_get(conn: sqlite3.Connection, key: str) -> object:
    """A value of the meta table (None when missing)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def meta_set(conn: sqlite3.Connection, key: str, value: object) -> None:
    """Set (or with None remove) a value of the meta table."""
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
