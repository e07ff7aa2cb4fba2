"""``SQLiteStore``: the embedded engine. One connection, on a thread of its own, so the event loop never waits on
the file: every statement is a call into that thread, awaited.

WAL journal (readers never block the writer), ``busy_timeout`` (another process holding the write lock means a
wait, never "database is locked"), foreign keys on, ``synchronous=NORMAL``, ``secure_delete`` (freed pages are
zeroed). Write transactions start with ``BEGIN IMMEDIATE`` (in the hop of their first statement, so a transaction
costs one hop per statement and one for ``COMMIT``): the write lock is taken at once, so every
read-then-write (a claim, an acquire, a fenced write) is serialised against every other writer on the file, in this
process and in others. Transactions of this process run one at a time. The lease clock is this process's
(``clock``, unix seconds). Wake-ups reach listeners in this process; other processes on the same file poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

from tgfleet.fleet.errors import StoreError, StoreMissingError
from tgfleet.fleet.store.base import SQLITE, Done, IntegrityError, Listener, Params, Row, Statement, Store, Tx

T = TypeVar("T")
BUSY_TIMEOUT_MS = 30_000
MIN_SQLITE = (3, 35, 0)  # RETURNING
_listeners: dict[tuple[str, str], set[asyncio.Queue[str]]] = defaultdict(set)  # (file, channel) -> queues


class SQLiteStore(Store):
    dialect = SQLITE

    def __init__(self, path: str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.where = f"sqlite:///{path}"
        self.clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tgfleet-fleet-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._key = os.path.realpath(path)

    @classmethod
    async def open(cls, path: str, *, create: bool, clock: Callable[[], float] = time.time) -> SQLiteStore:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StoreError(f"SQLite {sqlite3.sqlite_version} is too old for the fleet store (3.35 or newer)")
        if not create and not os.path.exists(path):
            raise StoreMissingError(f"no fleet store at sqlite:///{path}; create it with `tgfleet fleet init`")
        store = cls(path, clock=clock)
        try:
            store._conn = await store._call(_connect, path)
        except BaseException:
            store._executor.shutdown(wait=False)
            raise
        return store

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, partial(fn, *args))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self.where}: {exc}") from exc

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.where} is closed")
        return self._conn

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Tx]:
        async with self._lock:
            conn = self._live()
            tx = _SQLiteTx(self, conn, "BEGIN" if readonly else "BEGIN IMMEDIATE")
            try:  # cancelled while BEGIN waits for the lock, it still runs in the thread: roll it back
                yield tx
                if tx.begun and not tx.committed:
                    await self._call(conn.execute, "COMMIT")
            except BaseException:
                await asyncio.shield(self._call(_rollback, conn))
                raise
        for channel, payload in tx.notices:
            for queue in _listeners.get((self._key, channel), ()):
                with contextlib.suppress(asyncio.QueueFull):  # a listener that does not keep up misses hints
                    queue.put_nowait(payload)

    async def listen(self, channel: str) -> Listener:
        return _SQLiteListener(self._key, channel)

    async def exists(self) -> bool:
        conn = self._live()
        row = await self._call(
            lambda: conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
        )
        return row is not None

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            async with self._lock:
                await self._call(conn.close)
        self._executor.shutdown(wait=True)


class _SQLiteTx(Tx):
    dialect = SQLITE

    def __init__(self, store: SQLiteStore, conn: sqlite3.Connection, begin: str) -> None:
        self._store, self._conn, self._begin = store, conn, begin
        self.begun = self.committed = False  # (committed: by ``closing_batch``)
        self.notices: list[tuple[str, str]] = []

    async def _run(self, statement: Callable[[], T]) -> T:
        """One hop to the store's thread; the first one opens the transaction (``BEGIN``) before its statement."""
        if self.begun:
            return await self._store._call(statement)
        self.begun = True
        return await self._store._call(_begun, self._conn, self._begin, statement)

    def _params(self, params: Params | None) -> dict[str, Any]:
        values = dict(params or {})
        values["now"] = self._store.clock()
        return values

    async def execute(self, template: str, params: Params | None = None) -> int:
        sql = SQLITE.sql(template)
        return await self._run(lambda: self._conn.execute(sql, self._params(params)).rowcount)

    async def fetch(self, template: str, params: Params | None = None) -> list[Row]:
        sql = SQLITE.sql(template)
        return await self._run(lambda: self._conn.execute(sql, self._params(params)).fetchall())

    async def executemany(self, template: str, rows: Sequence[Params]) -> None:
        sql = SQLITE.sql(template)
        values = [self._params(row) for row in rows]
        await self._run(lambda: self._conn.executemany(sql, values))

    async def batch(self, statements: Sequence[Statement]) -> list[Done]:
        compiled = [(SQLITE.sql(template), self._params(params)) for template, params in statements]
        return await self._run(lambda: [_done(self._conn.execute(sql, values)) for sql, values in compiled])

    async def closing_batch(self, statements: Sequence[Statement]) -> list[Done]:
        """The statements and ``COMMIT`` in one hop (a failing statement raises before the commit: the
        transaction's block then rolls it back)."""
        compiled = [(SQLITE.sql(template), self._params(params)) for template, params in statements]

        def run() -> list[Done]:
            done = [_done(self._conn.execute(sql, values)) for sql, values in compiled]
            self._conn.execute("COMMIT")
            return done

        done = await self._run(run)
        self.committed = True
        return done

    def notify(self, channel: str, payload: str) -> None:
        self.notices.append((channel, payload))


def _done(cursor: sqlite3.Cursor) -> Done:
    rows = cursor.fetchall()
    return Done(cursor.rowcount, rows)


class _SQLiteListener(Listener):
    def __init__(self, key: str, channel: str) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=10_000)
        self._slot = (key, channel)
        _listeners[self._slot].add(self._queue)

    async def next(self) -> str:
        return await self._queue.get()

    async def close(self) -> None:
        _listeners[self._slot].discard(self._queue)


def _connect(path: str) -> sqlite3.Connection:
    """An autocommit connection with the store's settings; the file is created readable by its owner only.

    An existing file is never opened beside SQLite: closing that descriptor would drop every POSIX lock this process
    holds on the file (https://www.sqlite.org/howtocorrupt.html, 2.2), those of its other connections too (a worker
    has one for its leases), and the next process that closed the store would then take itself for the last one and
    delete the WAL those connections still write to."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot open sqlite:///{path}: {exc}") from exc
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"sqlite:///{path}: cannot switch to WAL journal mode (got {mode!r})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _begun(conn: sqlite3.Connection, begin: str, statement: Callable[[], T]) -> T:
    conn.execute(begin)
    return statement()


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
