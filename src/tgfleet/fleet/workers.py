"""``Workers``: the processes that hold leases. A worker registers (id, host, pid, capacity), heartbeats every
renew interval, and is *live* while its heartbeat is younger than the lease TTL (by the store's clock); the live
workers divide the ready accounts between them (the fair share of ``Leases.claim``). Each heartbeat also stores the
process's ``Counters`` (when given) in the worker's row: ``counters()`` adds up every worker's, for the metrics. The row
also names the registering process's store sessions (``store.base.session_name``: ``tgfleet.fleet.takeover`` ends
them when that process stopped inside a transaction and its leases are stale)."""

from __future__ import annotations

import json
import os
import secrets
import socket
from typing import Any

from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import FleetError, FleetValueError
from tgfleet.fleet.records import LeaseSettings, Worker, WorkerState
from tgfleet.fleet.store import Store, session_name

_COLUMNS = (
    "w.id, w.host, w.pid, w.capacity, w.state, w.started_at, w.heartbeat,"
    " CASE WHEN w.heartbeat >= {now} - :ttl AND w.state IN ('starting', 'running') THEN 1 ELSE 0 END,"
    " (SELECT count(*) FROM leases l WHERE l.holder = w.id)"
    " FROM workers w"
)


class Workers:
    def __init__(self, store: Store, settings: LeaseSettings, counters: Counters | None = None) -> None:
        self._store, self._settings, self._counters = store, settings, counters

    async def register(
        self, capacity: int, *, worker_id: str | None = None, host: str | None = None, pid: int | None = None
    ) -> Worker:
        """A new worker row (state ``running``). ``worker_id`` defaults to ``<host>-<pid>-<random>``: unique per
        process start, so a restarted process never inherits its predecessor's leases."""
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise FleetValueError(f"worker capacity must be a non-negative integer, got {capacity!r}")
        host = host or socket.gethostname()
        pid = os.getpid() if pid is None else pid
        worker_id = worker_id or f"{host}-{pid}-{secrets.token_hex(4)}"
        async with self._store.transaction() as tx:
            await tx.execute(
                "INSERT INTO workers (id, host, pid, capacity, state, started_at, heartbeat, session)"
                " VALUES (:id, :host, :pid, :capacity, 'running', {now}, {now}, :session)",
                {"id": worker_id, "host": host, "pid": pid, "capacity": capacity, "session": session_name()},
            )
        return await self.get(worker_id)

    async def heartbeat(self, worker: Worker, *, state: WorkerState | None = None) -> Worker:
        """Record that ``worker`` is alive (and its new state, e.g. ``draining``)."""
        async with self._store.transaction() as tx:
            done = await tx.execute(
                "UPDATE workers SET heartbeat = {now}, state = COALESCE(:state, state),"
                " counters = COALESCE(:counters, counters) WHERE id = :id",
                {"id": worker.id, "state": None if state is None else WorkerState(state).value,
                 "counters": None if self._counters is None else json.dumps(self._counters.snapshot())},
            )  # fmt: skip
        if not done:
            raise FleetError(f"worker {worker.id} is not registered in the fleet store")
        return await self.get(worker.id)

    async def get(self, worker_id: str) -> Worker:
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"SELECT {_COLUMNS} WHERE w.id = :id", {"id": worker_id, "ttl": self._settings.ttl})
        if row is None:
            raise FleetError(f"worker {worker_id} is not registered in the fleet store")
        return _worker(row)

    async def counters(self) -> Counters:
        """Every worker's counters as of its last heartbeat, added up (stopped workers' too: the sums only grow)."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch("SELECT counters FROM workers WHERE counters IS NOT NULL")
        return Counters.add_up(json.loads(str(row[0])) for row in rows)

    async def list(self) -> list[Worker]:
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"SELECT {_COLUMNS} ORDER BY w.started_at", {"ttl": self._settings.ttl})
        return [_worker(row) for row in rows]


def _worker(row: tuple[Any, ...]) -> Worker:
    id_, host, pid, capacity, state, started, heartbeat, live, leases = row
    return Worker(id_, host, pid, capacity, WorkerState(state), started, heartbeat, bool(live), int(leases))
