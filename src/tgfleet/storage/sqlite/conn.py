"""Opening the SQLite connection of a session file, and turning sqlite3 errors into storage errors.

Settings: WAL journal (readers never block the writer), ``synchronous=NORMAL`` (a commit survives a process
crash; ``save()`` checkpoints for power loss), ``busy_timeout`` (another connection holding the write lock
for a moment means a wait, never "database is locked"), ``secure_delete`` (freed pages, e.g. old auth keys,
are zeroed).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from tgfleet.storage.errors import StorageCorruptError, StorageError

BUSY_TIMEOUT_MS = 30_000
_CORRUPT_HINTS = ("not a database", "malformed", "corrupt", "file is encrypted")


def connect(path: str) -> sqlite3.Connection:
    """An autocommit connection to ``path`` with the session settings applied.

    A missing file is created readable by its owner only (0600; SQLite gives its -wal/-shm files the same mode).
    """
    _create_private(path)
    with guard(path):
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        with guard(path):
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"{path}: cannot switch to WAL journal mode (got {mode!r})", path=path)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(path: str) -> None:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc}", path=path) from exc


def translate(exc: sqlite3.Error, path: str) -> StorageError:
    """The storage error for an sqlite3 error on ``path`` (StorageCorruptError for a damaged file)."""
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and any(hint in text.lower() for hint in _CORRUPT_HINTS):
        return StorageCorruptError(f"{path} is not a valid session database ({text})", path=path)
    return StorageError(f"SQLite error on {path}: {text}", path=path)


@contextmanager
def guard(path: str) -> Iterator[None]:
    """Run a block, raising storage errors instead of sqlite3 errors."""
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
