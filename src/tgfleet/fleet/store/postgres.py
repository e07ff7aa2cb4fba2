"""``PostgresStore``: the engine for many hosts, over psycopg 3's asyncio connections (the ``postgres`` extra).

A few connections (``max_connections``, default 4) are opened on demand and reused; a connection that broke is
dropped, never reused. Transactions run at READ COMMITTED: every claim and lease change is a single conditional
statement on the rows it changes (PostgreSQL re-checks the condition on the newest row version), and claims skip
rows other transactions hold (``FOR UPDATE SKIP LOCKED``). Read-only transactions run at REPEATABLE READ, so a
session snapshot is one consistent picture. Every lease time comes from the database's clock. Wake-ups are
``NOTIFY`` (sent at commit) and ``LISTEN`` on a connection of their own.

A ``Tx.batch`` (and a transaction's ``BEGIN`` with its first statement, its wake-ups with its ``COMMIT``, a
``closing_batch`` with both) goes in one psycopg pipeline, one round trip; where libpq cannot pipeline (older than 14:
``psycopg.Pipeline.is_supported()`` is false) the same statements go one at a time, in the same order.

Every connection carries this process's ``base.session_name()`` as its ``application_name``, so a lease taker can
tell a stale holder's sessions from any other (``tgfleet.fleet.takeover``), and may carry an
``idle_in_transaction_session_timeout`` (the lease settings' ``idle_transaction_limit``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tgfleet.fleet.errors import StoreError
from tgfleet.fleet.store.base import (
    POSTGRESQL,
    Done,
    IntegrityError,
    Listener,
    LockTimeout,
    Params,
    Row,
    Statement,
    Store,
    Tx,
    session_name,
)

try:
    import psycopg
    from psycopg import sql as pgsql
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None  # type: ignore[assignment]

CONNECT_TIMEOUT = 10
_READ_ONLY = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"


class PostgresStore(Store):
    dialect = POSTGRESQL

    def __init__(self, url: str, where: str, *, max_connections: int = 4, idle_transaction_limit: float = 0.0) -> None:
        self.url, self.where = url, where
        self._idle_limit = idle_transaction_limit
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots = asyncio.Semaphore(max_connections)
        self._closed = False
        self._pipelined = psycopg.Pipeline.is_supported()  # libpq 14 or later

    @classmethod
    async def open(
        cls, url: str, where: str, *, max_connections: int = 4, idle_transaction_limit: float = 0.0
    ) -> PostgresStore:
        """``idle_transaction_limit``: seconds a session may sit idle inside a transaction before the server ends it
        (0: no limit)."""
        if psycopg is None:
            raise StoreError(f"{where}: PostgreSQL stores need the psycopg driver: pip install 'tgfleet[postgres]'")
        store = cls(url, where, max_connections=max_connections, idle_transaction_limit=idle_transaction_limit)
        store._idle.append(await store._connect())  # the real cause of a bad URL or an unreachable server, now
        return store

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        try:
            conn = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=session_name()
            )
            if self._idle_limit > 0:
                limit = _millis(self._idle_limit)
                await conn.execute("SELECT set_config('idle_in_transaction_session_timeout', %s, false)", [limit])
            return conn
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.where}: {_reason(exc)}") from exc

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if self._closed:
            raise StoreError(f"{self.where} is closed")
        async with self._slots:
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                yield conn
            finally:
                if conn.closed or conn.broken or self._closed:
                    await conn.close()
                else:
                    self._idle.append(conn)

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Tx]:
        async with self._connection() as conn:
            tx = _PostgresTx(conn, self.where, _READ_ONLY if readonly else "BEGIN", self._pipelined)
            try:
                try:
                    yield tx
                    await tx.commit()
                except BaseException:
                    await asyncio.shield(tx.rollback())
                    raise
            except psycopg.IntegrityError as exc:
                raise IntegrityError(_reason(exc)) from exc
            except psycopg.errors.LockNotAvailable as exc:
                raise LockTimeout(f"{self.where}: {_reason(exc)}") from exc
            except psycopg.Error as exc:
                raise StoreError(f"{self.where}: {_reason(exc)}") from exc

    async def listen(self, channel: str) -> Listener:
        conn = await self._connect()
        await conn.execute(pgsql.SQL("LISTEN {}").format(pgsql.Identifier(channel)))
        return _PostgresListener(conn)

    async def exists(self) -> bool:
        async with self.transaction(readonly=True) as tx:
            return bool(await tx.scalar("SELECT to_regclass('schema_version') IS NOT NULL"))

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


class _PostgresTx(Tx):
    dialect = POSTGRESQL

    def __init__(self, conn: psycopg.AsyncConnection[Any], where: str, begin: str, pipelined: bool) -> None:
        self._conn, self._where, self._pipelined = conn, where, pipelined
        self._begin: str | None = begin  # sent with the first statement, in its round trip
        self._settings: list[Statement] = []  # SET LOCALs, sent (after BEGIN) with the next statement
        self.session = conn.info.backend_pid
        self._committed = False  # by ``closing_batch``
        self.notices: list[tuple[str, str]] = []

    async def _trip(self, statements: Sequence[Statement]) -> list[psycopg.AsyncCursor[Any]]:
        """One round trip: the statements (after ``BEGIN`` if the transaction has not begun), pipelined; without a
        pipeline (libpq older than 14), one after the other."""
        lead, self._settings = ([(self._begin, None)] if self._begin is not None else []) + self._settings, []
        self._begin = None
        if not self._pipelined or (not lead and len(statements) == 1):
            for text, params in lead:
                await self._conn.execute(POSTGRESQL.sql(text), params or {})
            return [await self._conn.execute(POSTGRESQL.sql(t), params or {}) for t, params in statements]
        async with self._conn.pipeline() as pipeline:
            for text, params in lead:
                await self._conn.execute(POSTGRESQL.sql(text), params or {})
            cursors = [await self._conn.execute(POSTGRESQL.sql(t), params or {}) for t, params in statements]
            await pipeline.sync()
        return cursors

    def limit_lock_waits(self, seconds: float) -> None:
        self._settings.append(("SELECT set_config('lock_timeout', :limit, true)", {"limit": _millis(seconds)}))

    def plan_generically(self) -> None:
        self._settings.append(("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", None))

    def _committing(self) -> list[Statement]:
        """The wake-ups and ``COMMIT``."""
        notify = [("SELECT pg_notify(:channel, :payload)", {"channel": c, "payload": p}) for c, p in self.notices]
        return [*notify, ("COMMIT", None)]

    async def commit(self) -> None:
        """The wake-ups and ``COMMIT`` in one round trip (nothing when no statement ran and none is due, or
        ``closing_batch`` committed)."""
        if not self._committed and (self._begin is None or self.notices):
            await self._trip(self._committing())

    async def rollback(self) -> None:
        """Roll back what ran; a connection that cannot is closed (never reused)."""
        if self._begin is not None or self._committed:
            return
        try:
            await self._conn.execute("ROLLBACK")
        except (psycopg.Error, OSError):
            await self._conn.close()

    async def execute(self, template: str, params: Params | None = None) -> int:
        [cursor] = await self._trip([(template, params)])
        return cursor.rowcount

    async def fetch(self, template: str, params: Params | None = None) -> list[Row]:
        [cursor] = await self._trip([(template, params)])
        return await cursor.fetchall()

    async def executemany(self, template: str, rows: Sequence[Params]) -> None:
        if rows:
            if self._begin is not None or self._settings:
                await self._trip([])  # BEGIN, SET LOCALs
            async with self._conn.cursor() as cursor:
                await cursor.executemany(POSTGRESQL.sql(template), rows)

    async def batch(self, statements: Sequence[Statement]) -> list[Done]:
        cursors = await self._trip(statements)
        return [Done(cursor.rowcount, await cursor.fetchall() if cursor.description else []) for cursor in cursors]

    async def closing_batch(self, statements: Sequence[Statement]) -> list[Done]:
        """The statements, the wake-ups and ``COMMIT`` in one pipeline (a failing statement skips the rest: the
        transaction's block then rolls it back)."""
        cursors = await self._trip([*statements, *self._committing()])
        self._committed = True
        return [Done(c.rowcount, await c.fetchall() if c.description else []) for c in cursors[: len(statements)]]

    def notify(self, channel: str, payload: str) -> None:
        self.notices.append((channel, payload))


class _PostgresListener(Listener):
    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn

    async def next(self) -> str:
        try:
            async for notice in self._conn.notifies(stop_after=1):
                return notice.payload
        except psycopg.Error as exc:
            raise StoreError(f"listening for wake-ups failed: {_reason(exc)}") from exc
        raise StoreError("the wake-up connection closed")

    async def close(self) -> None:
        await self._conn.close()


def _millis(seconds: float) -> str:
    """A setting's time in whole milliseconds, at least 1 (0 would mean "no limit")."""
    return f"{max(1, round(seconds * 1000))}ms"


def _reason(exc: BaseException) -> str:
    """The server's message (first line), without the driver's noise."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
