"""Writing and reading an account's timeline (``events``): state transitions with their evidence, imports, exports."""

from __future__ import annotations

import json
from typing import Any

from tgfleet.fleet.records import Event, Evidence
from tgfleet.fleet.store import Tx


async def record(
    tx: Tx,
    account_id: int,
    kind: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    evidence: Evidence | None = None,
    worker: str | None = None,
    epoch: int | None = None,
) -> None:
    e = evidence or Evidence()
    await tx.execute(
        "INSERT INTO events (account_id, at, kind, from_state, to_state, error_code, error_name, error_message,"
        " worker, epoch, detail) VALUES (:id, {now}, :kind, :from_state, :to_state, :code, :name, :message,"
        " :worker, :epoch, :detail)",
        {"id": account_id, "kind": kind, "from_state": from_state, "to_state": to_state, "code": e.code,
         "name": e.name, "message": e.message, "worker": worker, "epoch": epoch,
         "detail": json.dumps(e.detail, default=str)},
    )  # fmt: skip


async def recent(tx: Tx, account_id: int, limit: int) -> list[Event]:
    """The account's last ``limit`` events, oldest first."""
    rows = await tx.fetch(
        "SELECT id, account_id, at, kind, from_state, to_state, error_code, error_name, error_message, worker, epoch,"
        " detail FROM events WHERE account_id = :id ORDER BY id DESC LIMIT :limit",
        {"id": account_id, "limit": limit},
    )
    return [_event(row) for row in reversed(rows)]


def _event(row: tuple[Any, ...]) -> Event:
    id_, account_id, at, kind, from_state, to_state, code, name, message, worker, epoch, detail = row
    evidence = Evidence(code, name, message, json.loads(detail) if detail else {})
    return Event(id_, account_id, at, kind, from_state, to_state, evidence, worker, epoch)
