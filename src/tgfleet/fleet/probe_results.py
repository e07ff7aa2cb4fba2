"""Each account's last probe in the store (``account_probes``, one row an account): when, its outcome (``ok`` or the
error's name), and the sessions the last account.getAuthorizations listed, with when. Written in the holder's fenced
transaction (``Accounts.record_probe``, called by the ``Health`` seam); read with the accounts (the time and outcome)
and on its own for one account (the sessions)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tgfleet.fleet.health_rules import Authorizations, cause
from tgfleet.fleet.records import AccountSessions, Evidence, ListedSession
from tgfleet.fleet.store import Tx

OK = "ok"
_FIELDS = frozenset(f.name for f in dataclasses.fields(ListedSession))
_MAX_RESULT = 64


def result_of(error: BaseException | None) -> str:
    """A probe's outcome: ``ok``, or the raw error's name (``FLOOD_WAIT_30``; a network error: its type's name)."""
    if error is None:
        return OK
    return str(Evidence.from_error(cause(error)).name)[:_MAX_RESULT]


async def write(tx: Tx, account_id: int, result: str, listed: Authorizations | None) -> None:
    """The account's probe, taken now, with its outcome; ``listed``: the sessions it listed (None: it listed none this
    time, the last listing stays)."""
    sessions = None if listed is None else json.dumps({"count": listed.count, "sessions": list(listed.sessions)})
    listed_at = "NULL" if listed is None else "{now}"
    await tx.execute(
        "INSERT INTO account_probes (account_id, at, result, listed_at, authorizations) VALUES (:id, {now}, :result,"
        f" {listed_at}, :sessions) ON CONFLICT (account_id) DO UPDATE SET"
        " at = excluded.at, result = excluded.result,"
        " listed_at = COALESCE(excluded.listed_at, account_probes.listed_at),"
        " authorizations = COALESCE(excluded.authorizations, account_probes.authorizations)",
        {"id": account_id, "result": result, "sessions": sessions},
    )


async def sessions(tx: Tx, account_id: int) -> AccountSessions | None:
    """The sessions the account's last listing found (None: never listed)."""
    row = await tx.fetchone(
        "SELECT listed_at, authorizations FROM account_probes WHERE account_id = :id AND listed_at IS NOT NULL",
        {"id": account_id},
    )
    if row is None:
        return None
    listed: dict[str, Any] = json.loads(row[1])
    kept = tuple(_session(s) for s in listed.get("sessions", []) if isinstance(s, dict))
    return AccountSessions(float(row[0]), int(listed.get("count", len(kept))), kept)


def _session(summary: dict[str, Any]) -> ListedSession:
    return ListedSession(**{name: value for name, value in summary.items() if name in _FIELDS})
