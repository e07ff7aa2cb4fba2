"""``OutboxWatch``: one worker's look-out for outbox work, so that its idle senders cost nothing.

A sender (``outbox_sender``) that has nothing to do waits for its ``SenderWake``; it never polls the store. What
wakes it:

- its own outcomes and timers (a message went, its throttle's or a chat gate's time came): the sender's own;
- a notice (``notice``): on PostgreSQL the store's NOTIFY for a message sent to the account or its pool, on SQLite
  the in-process signal of ``Outbox.send`` (``outbox_rows.wake_payload``): it wakes those senders at once;
- the sweep (``run``): every ``interval`` seconds ONE read over every account the worker holds (its leases) finds
  what no notice announced: messages whose ``not_before`` or retry wait ended, whose deadline passed (the step that
  wakes for them expires them), a pool's messages left claimed by an account nobody holds, messages another
  process queued on an SQLite store (no NOTIFY there). It wakes the account's sender (``set``) or hints the senders
  of the pool (``hint``: each asks the store whether it is the one to take them).

A sender woken for a message it may not send yet (a chat in slow mode, the new-peer budget spent) begins nothing
and goes back to waiting; so the sweep wakes a sender again only when what is due for it changed (how many, which:
a count and a sum of ids) or every ``recheck`` sweeps, not every sweep. At 1,000 idle accounts that is one read every
``interval`` seconds instead of one per account.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from tgfleet.errors import TgfleetError
from tgfleet.fleet.outbox_records import DUE, OutboxState, sql_states
from tgfleet.fleet.sender_wake import SenderWake
from tgfleet.fleet.store import Store

log = logging.getLogger("tgfleet.fleet")

_HELD_BY_ME = "SELECT l.account_id FROM leases l WHERE l.holder = :worker AND l.account_id IS NOT NULL"
_MY_POOLS = "SELECT a.pool FROM leases l JOIN accounts a ON a.id = l.account_id WHERE l.holder = :worker"
_DUE_NOW = f"m.state IN ({sql_states(DUE)}) AND (m.not_before IS NULL OR m.not_before <= {{now}})"
_PAST_DEADLINE = "m.deadline IS NOT NULL AND m.deadline < {now}"
ACCOUNTS = (  # per held account: its messages due now or past their deadline (a held one too: it expires)
    "SELECT m.account_id, COUNT(*), SUM(m.id) FROM outbox_messages m"
    f" WHERE m.account_id IN ({_HELD_BY_ME})"
    f" AND m.state IN ({sql_states(DUE | {OutboxState.HELD})}) AND (({_DUE_NOW}) OR ({_PAST_DEADLINE}))"
    " GROUP BY m.account_id"
)
POOLS = (  # per pool of a held account: its unassigned messages due now or past their deadline
    "SELECT m.pool, COUNT(*), SUM(m.id) FROM outbox_messages m"
    f" WHERE m.account_id IS NULL AND m.pool IN ({_MY_POOLS})"
    f" AND m.state IN ({sql_states(DUE)}) AND (({_DUE_NOW}) OR ({_PAST_DEADLINE}))"
    " GROUP BY m.pool"
)
ORPHANED = (  # per pool of a held account: its messages claimed, never begun, by an account nobody holds now
    "SELECT m.pool, COUNT(*), SUM(m.id) FROM outbox_messages m"
    f" WHERE m.state = 'claimed' AND m.random_id IS NULL AND m.pool IN ({_MY_POOLS})"
    " AND m.account_id IN (SELECT l.account_id FROM leases l WHERE l.holder IS NULL OR l.expires_at < {now})"
    " GROUP BY m.pool"
)


@dataclass
class _Watched:
    pool: str
    wake: SenderWake


class OutboxWatch:
    def __init__(self, store: Store, *, interval: float = 5.0, recheck: int = 12) -> None:
        self._store, self._interval, self._recheck = store, interval, recheck
        self._watched: dict[int, _Watched] = {}
        self._seen: dict[int | str, tuple[int, int]] = {}  # account id or pool name -> (count, sum of ids) last seen
        self._sweeps = 0

    def watch(self, account_id: int, pool: str) -> SenderWake:
        """The wake-up of the account's sender, from now until ``unwatch``."""
        self._seen.pop(account_id, None)
        watched = self._watched[account_id] = _Watched(pool, SenderWake())
        return watched.wake

    def unwatch(self, account_id: int, wake: SenderWake) -> None:
        """The sender that had ``wake`` ended (a newer one may have taken its place: that one stays)."""
        if (watched := self._watched.get(account_id)) is not None and watched.wake is wake:
            del self._watched[account_id]

    def notice(self, payload: str) -> None:
        """Wake the senders a notice is for (``outbox_rows.wake_payload``: ``account:<id>``, or every account of
        ``pool:<name>``; anything else: every sender); only those."""
        kind, _, name = payload.partition(":")
        if kind == "account" and name.isdigit():
            if (watched := self._watched.get(int(name))) is not None:
                watched.wake.set()
            return
        for watched in self._watched.values():
            if kind != "pool" or watched.pool == name:
                watched.wake.set()

    async def run(self, worker: str) -> None:
        """Sweep every ``interval`` seconds for the accounts ``worker`` holds, until cancelled; a failed read is
        logged and the next sweep tries again."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.sweep(worker)
            except TgfleetError as exc:
                log.info("worker %s: the outbox sweep failed (trying again): %s", worker, exc)

    async def sweep(self, worker: str) -> None:
        """One read: wake the senders that have work nobody announced (see the module's docstring)."""
        params = {"worker": worker}
        async with self._store.transaction(readonly=True) as tx:
            accounts, pools, orphaned = await tx.closing_batch([(ACCOUNTS, params), (POOLS, params),
                                                                (ORPHANED, params)])  # fmt: skip
        self._sweeps += 1
        again = self._sweeps % self._recheck == 0
        seen: dict[int | str, tuple[int, int]] = {}
        for account_id, count, total in accounts.rows:
            seen[int(account_id)] = (int(count), int(total))
        for pool, count, total in [*pools.rows, *orphaned.rows]:
            was = seen.get(str(pool), (0, 0))
            seen[str(pool)] = (was[0] + int(count), was[1] + int(total))
        for key, signature in seen.items():
            if again or self._seen.get(key) != signature:
                self._wake(key)
        self._seen = seen

    def _wake(self, key: int | str) -> None:
        """An account's sender (``set``), or a pool's senders (``hint``)."""
        if isinstance(key, int):
            if (watched := self._watched.get(key)) is not None:
                watched.wake.set()
            return
        for watched in self._watched.values():
            if watched.pool == key:
                watched.wake.hint()
