"""``Changes`` (``fleet.changes``): the journal of state changes (accounts, outbox messages, login flows), read
in order by the service's event stream. A login flow also has a row when what it shows changes in the same state
(its info or error: a code sent again another way, a new QR code, Telegram's refusal; ``state`` = ``from_state``,
``schema.V_LOGIN_CHANGES``).

The store's triggers write a row in the very transaction that changes a state (``schema.V_CHANGES``), so the journal
holds every change and nothing that was rolled back. Rows are numbered by an identity: on PostgreSQL a transaction
that took a lower number may commit after one with a higher number, so a reader that only asked for ``id > last``
could skip it. ``Follower`` therefore remembers the numbers it has not seen below the highest one it has, asks for
them again for ``gap_wait`` seconds (a rolled-back transaction leaves a number that never comes), and only then
gives them up. On SQLite writers are serial and no gap is ever left open.

Rows older than ``retention`` are pruned (``prune``: the service calls it now and then), so the journal stays bounded.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.store import Store

_COLUMNS = (
    "SELECT c.id, c.at, c.kind, c.subject_id, c.account_id, a.label, c.state, c.from_state FROM changes c"
    " LEFT JOIN accounts a ON a.id = c.account_id"
)
MAX_BATCH = 1000


@dataclass(frozen=True)
class Change:
    """One state change: ``kind`` is ``account``, ``outbox`` or ``login``; ``subject_id`` the account's, the message's
    or the flow's id; ``account`` the label of the account concerned (for a pool message: once it is assigned)."""

    id: int
    at: float
    kind: str
    subject_id: int
    account_id: int | None
    account: str | None
    state: str
    from_state: str | None


class Changes:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def read(self, after: int, *, also: Sequence[int] = (), limit: int = MAX_BATCH) -> builtins.list[Change]:
        """Changes numbered above ``after`` (and those numbered in ``also``), in order, at most ``limit``."""
        params: dict[str, Any] = {"after": after, "limit": max(1, min(limit, MAX_BATCH))}
        extra = ""
        if also:
            extra = " OR c.id IN (" + ", ".join(f":g{i}" for i in range(len(also))) + ")"
            params.update({f"g{i}": gap for i, gap in enumerate(also)})
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"{_COLUMNS} WHERE c.id > :after{extra} ORDER BY c.id LIMIT :limit", params)
        return [_change(row) for row in rows]

    async def last_id(self) -> int:
        """The highest number in the journal (0 when empty): where a stream that wants only new changes starts."""
        async with self._store.transaction(readonly=True) as tx:
            return int(await tx.scalar("SELECT COALESCE(MAX(id), 0) FROM changes") or 0)

    async def prune(self, older_than: float) -> int:
        """Delete the changes recorded before the unix time ``older_than``; how many."""
        async with self._store.transaction() as tx:
            return await tx.execute("DELETE FROM changes WHERE at < :before", {"before": older_than})


class Follower:
    """Reads the journal on from ``after``, each change once, including those whose transaction committed late."""

    def __init__(
        self, changes: Changes, after: int, *, gap_wait: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._changes, self.cursor, self._gap_wait, self._clock = changes, after, gap_wait, clock
        self._gaps: dict[int, float] = {}  # a number not seen yet below the cursor -> when to give it up

    @property
    def position(self) -> int:
        """Where a reader that resumes must start so that it misses nothing: below every open gap."""
        return min([self.cursor, *(gap - 1 for gap in self._gaps)])

    async def poll(self) -> list[Change]:
        now = self._clock()
        self._gaps = {gap: until for gap, until in self._gaps.items() if until > now}
        found = await self._changes.read(self.cursor, also=sorted(self._gaps)[:100])
        for change in found:
            self._gaps.pop(change.id, None)
        fresh = [c.id for c in found if c.id > self.cursor]
        if fresh:
            seen = set(fresh)
            self._gaps.update({n: now + self._gap_wait for n in range(self.cursor + 1, max(fresh))
                               if n not in seen and len(self._gaps) < 10_000})  # fmt: skip
            self.cursor = max(fresh)
        return found


def _change(row: tuple[Any, ...]) -> Change:
    id_, at, kind, subject, account_id, label, state, from_state = row
    return Change(int(id_), float(at), kind, int(subject), account_id, label, state, from_state)
