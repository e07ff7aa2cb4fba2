"""``fleet.pools``: a pool's own policy, which its accounts inherit (docs/fleet.md, "Scheduler").

A pool is the name its accounts carry (``accounts.pool``); a row in ``pools`` exists only for a pool given a policy.
The policy is JSON like an account's, holding only ``"sending"`` (``SendPolicy`` fields, checked by name when set):
an account's effective sending policy is the worker's default, its pool's over it, its own over both
(``send_policy.effective``). A worker reads a pool's policy when it starts one of the pool's accounts, so a change
applies to each account at its next connect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.account_fields import MAX_POLICY_BYTES
from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.store import Store

POOL_KEYS = frozenset({"sending"})
_COLUMNS = "SELECT name, policy, created_at, updated_at FROM pools"


@dataclass(frozen=True)
class Pool:
    """A pool's stored policy; ``accounts``: how many accounts name it (``list`` and ``get`` count them)."""

    name: str
    policy: dict[str, Any]
    created_at: float | None = None
    updated_at: float | None = None
    accounts: int = 0


def pool_policy_json(policy: dict[str, Any]) -> str:
    """The policy as stored, refused (FleetValueError, by name) unless it is ``{"sending": {...}}`` with known keys."""
    if not isinstance(policy, dict):
        raise FleetValueError(f"a pool's policy must be an object, got {type(policy).__name__}")
    unknown = set(policy) - POOL_KEYS
    if unknown:
        raise FleetValueError(f"a pool's policy has unknown keys {sorted(unknown)} (it may hold {sorted(POOL_KEYS)})")
    SendPolicy().override(policy.get("sending"))
    text = json.dumps(policy, sort_keys=True)
    if len(text) > MAX_POLICY_BYTES:
        raise FleetValueError(f"the pool policy is {len(text)} bytes of JSON; at most {MAX_POLICY_BYTES}")
    return text


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise FleetValueError(f"a pool name must be 1 to 64 characters, got {name!r}")
    return name


class Pools:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def set_policy(self, name: str, policy: dict[str, Any]) -> Pool:
        """Store ``policy`` as the pool's (replacing its old one; ``{}`` clears it); the pool as stored."""
        text = pool_policy_json(policy)
        async with self._store.transaction() as tx:
            await tx.execute(
                "INSERT INTO pools (name, policy, created_at, updated_at) VALUES (:name, :policy, {now}, {now})"
                " ON CONFLICT (name) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at",
                {"name": _check_name(name), "policy": text},
            )
        return await self.get(name)

    async def get(self, name: str) -> Pool:
        """The pool's policy (``{}`` for a pool without one: its accounts use the worker's default)."""
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"{_COLUMNS} WHERE name = :name", {"name": _check_name(name)})
            count = await tx.scalar("SELECT COUNT(*) FROM accounts WHERE pool = :name", {"name": name})
        if row is None:
            return Pool(name, {}, accounts=int(count or 0))
        return Pool(row[0], json.loads(row[1]), float(row[2]), float(row[3]), int(count or 0))

    async def policy(self, name: str) -> dict[str, Any]:
        """One read: the pool's ``"sending"`` policy (empty without one), as workers apply it."""
        async with self._store.transaction(readonly=True) as tx:
            text = await tx.scalar("SELECT policy FROM pools WHERE name = :name", {"name": name})
        sending = json.loads(text).get("sending") if text is not None else None
        return dict(sending or {})

    async def list(self) -> list[Pool]:
        """Every pool that has accounts or a policy, by name."""
        async with self._store.transaction(readonly=True) as tx:
            stored = {r[0]: r for r in await tx.fetch(_COLUMNS)}
            counts: dict[str, int] = dict(await tx.fetch("SELECT pool, COUNT(*) FROM accounts GROUP BY pool"))
        out = []
        for name in sorted(set(stored) | set(counts)):
            row = stored.get(name)
            policy, created, updated = (json.loads(row[1]), float(row[2]), float(row[3])) if row else ({}, None, None)
            out.append(Pool(name, policy, created, updated, int(counts.get(name, 0))))
        return out
