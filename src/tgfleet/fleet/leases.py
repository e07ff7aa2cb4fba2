"""``Leases``: fenced ownership of resources (``account:<id>``, ``login:<id>``) by workers (docs/fleet.md).

Every operation is one conditional statement (plus, for a grant, the fence bump in the same transaction):

- acquire: an upsert that raises the epoch by one and succeeds only when the lease is free, released, or expired for
  longer than the grace period; a grant of an account lease sets ``accounts.fence_epoch`` to the new epoch
  (of a login lease, ``logins.fence_epoch``).
- claim: the same grant for up to ``min(capacity, fair share) - held`` ready accounts, found through the partial
  index on ``expires_at`` (PostgreSQL skips rows other claimers hold), so its cost does not grow with the fleet.
  The statement that computes the share also counts the claimable leases (up to the capacity); when the grant got
  fewer than both, some were skipped because another session holds their rows, perhaps a stale holder stopped
  inside a renew, release or claim, which would keep them from every claim until it resumes. Then a second pass,
  in a transaction of its own, waits for those rows in resource order under the takeover guard below (a live
  holder of the lock makes it give up after the lock wait: counted in ``Counters.claim_lock_timeouts``, tried again
  at the next claim). On SQLite (one writer) the grant always gets them all, so that pass never runs.
- renew: ONE statement over the worker's own leases, conditional on holder and epoch; what it did not renew is lost,
  and it says which renewed leases are no longer ready (an operator disabled the account: its holder lets it go).
- release: the same condition; the lease is free at once (planned hand-off, no waiting for the TTL).

Times come from the store's clock (PostgreSQL's own; this process's on SQLite).

A takeover is never blocked by the holder it takes over from. On PostgreSQL a holder stopped inside a transaction
(SIGSTOP, a paused VM) keeps its row locks, among them its account's row, which the grant must change; so a grant's
statements wait at most ``Takeover.lock_wait`` for a lock, and while they wait, the store sessions of a stale holder
(its lease past expiry plus the grace period, its process without a heartbeat for a TTL) that block them are ended:
its transaction rolls back, so it writes nothing, and when it resumes the fence refuses whatever it tries next. A live
holder's sessions and anyone else's are never ended (``takeover``). Every store session of a worker's process is ended
by the server once it sits idle inside a transaction for ``LeaseSettings.idle_transaction_limit``, which frees the
locks of a holder stopped between two statements, for every other writer too.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from typing import Any

from tgfleet.fleet.accounts import ACCOUNTS_CHANNEL
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import AccountNotFound, FleetError, LeaseHeldError
from tgfleet.fleet.records import Lease, LeaseInfo, LeaseSettings, RenewResult, Worker, account_resource
from tgfleet.fleet.store import LockTimeout, Store, Tx
from tgfleet.fleet.takeover import Takeover

_GRANT = (
    "holder = :holder, host = :host, pid = :pid, acquired_at = {now}, renewed_at = {now}, expires_at = {now} + :ttl"
)
_FREE = "leases.holder IS NULL OR leases.expires_at + :grace < {now}"
_CLAIMABLE = (
    ", (SELECT count(*) FROM (SELECT 1 FROM leases WHERE ready = 1 AND expires_at < {now} - :grace LIMIT :capacity)"
    " AS claimable)"
)
"""The claim's cheap check (in the statement that computes the share): the ready leases it could take, through the
partial index, at most the worker's capacity (more never matters)."""

log = logging.getLogger("tgfleet.fleet")


class Leases:
    def __init__(self, store: Store, settings: LeaseSettings, counters: Counters) -> None:
        self._store, self.settings, self._counters = store, settings, counters
        self._takeover = Takeover(store, settings)

    def _who(self, worker: Worker) -> dict[str, Any]:
        return {"holder": worker.id, "host": worker.host, "pid": worker.pid, "ttl": self.settings.ttl,
                "grace": self.settings.grace}  # fmt: skip

    async def acquire(self, resource: str, worker: Worker) -> Lease:
        """Take ``resource`` for ``worker``; LeaseHeldError (naming the holder) when it is held and not expired past
        the grace period. An ``account:<id>`` resource must name an existing account (AccountNotFound)."""
        account_id = _account_id(resource)
        async with self._store.transaction() as tx, self._takeover.guard(tx, [resource]):
            tx.limit_lock_waits(self._takeover.lock_wait)
            if (
                account_id is not None
                and await tx.scalar("SELECT 1 FROM accounts WHERE id = :id", {"id": account_id}) is None
            ):
                raise AccountNotFound(f"no account with id {account_id} (lease {resource})")
            row = await tx.fetchone(
                "INSERT INTO leases (resource, account_id, holder, host, pid, epoch, acquired_at, renewed_at,"
                " expires_at) VALUES (:resource, :account_id, :holder, :host, :pid, 1, {now}, {now}, {now} + :ttl)"
                f" ON CONFLICT (resource) DO UPDATE SET epoch = leases.epoch + 1, {_GRANT} WHERE {_FREE}"
                " RETURNING epoch, expires_at",
                {"resource": resource, "account_id": account_id} | self._who(worker),
            )
            if row is None:
                raise await _held(tx, resource)
            lease = Lease(resource, worker.id, int(row[0]), float(row[1]), account_id, worker.host, worker.pid)
            await _fence_grants(tx, [lease])
        self._counters.grants += 1
        return lease

    async def acquire_account(self, account_id: int, worker: Worker) -> Lease:
        return await self.acquire(account_resource(account_id), worker)

    async def claim(self, worker: Worker) -> list[Lease]:
        """Take ready, free accounts for ``worker``: up to ``min(capacity, fair share)`` held in all, the fair share
        being the ready accounts divided by the live workers that take accounts (heartbeat younger than the TTL,
        capacity above 0). Expired leases whose rows a stale holder keeps locked are taken too, by a second pass."""
        async with self._store.transaction() as tx:
            tx.limit_lock_waits(self._takeover.lock_wait)  # (sent with the first statement)
            share, held, _, claimable = await self._share(tx, worker, claimable=True)
            want = share - held
            if want <= 0:
                return []
            rows = await tx.fetch(
                f"UPDATE leases SET epoch = epoch + 1, {_GRANT} WHERE resource {{in_rows}}SELECT resource FROM leases"
                " WHERE ready = 1 AND expires_at < {now} - :grace ORDER BY expires_at LIMIT :want {skip_locked}"
                "{end_rows}"
                " RETURNING resource, account_id, epoch, expires_at",
                {"want": want} | self._who(worker),
            )
            granted = [Lease(r, worker.id, int(e), float(x), a, worker.host, worker.pid) for r, a, e, x in rows]
            async with self._takeover.guard(tx, [lease.resource for lease in granted]):
                await _fence_grants(tx, granted)  # an account row a stale holder locked: the guard ends its session
        self._counters.grants += len(granted)
        if len(granted) < min(want, claimable):  # claimable ones were skipped: locked (never on SQLite: one writer)
            granted += await self._claim_locked(worker, want - len(granted))
        return granted

    async def _claim_locked(self, worker: Worker, want: int) -> list[Lease]:
        """The claim's second pass, on PostgreSQL, when the first skipped claimable leases whose rows another session
        locked (a stale holder stopped inside a renew, release or claim): wait for up to ``want`` of them, in the
        order of their resource (two claimers never wait on each other in a circle), under the takeover guard, which
        ends a stale holder's blocking session. A live session holding one (a claimer, anyone's open transaction)
        makes the pass give up after the lock wait, granting nothing: counted, and tried again at the next claim.
        It raises no fleet error (logged): the first pass's grants are the worker's whatever happens here."""
        try:
            async with self._store.transaction() as tx:
                tx.limit_lock_waits(self._takeover.lock_wait)
                candidates = [str(r) for (r,) in await tx.fetch(
                    "SELECT resource FROM leases WHERE ready = 1 AND expires_at < {now} - :grace ORDER BY resource"
                    " LIMIT :want", {"grace": self.settings.grace, "want": want}
                )]  # fmt: skip
                async with self._takeover.guard(tx, candidates):
                    rows = await tx.fetch(
                        f"UPDATE leases SET epoch = epoch + 1, {_GRANT} WHERE resource {{in_rows}}SELECT resource"
                        " FROM leases WHERE resource = ANY(:candidates) AND ready = 1 AND expires_at < {now} - :grace"
                        " ORDER BY resource FOR UPDATE{end_rows} RETURNING resource, account_id, epoch, expires_at",
                        {"candidates": candidates} | self._who(worker),
                    )
                    granted = [Lease(r, worker.id, int(e), float(x), a, worker.host, worker.pid) for r, a, e, x in rows]
                    await _fence_grants(tx, granted)
        except LockTimeout:
            self._counters.claim_lock_timeouts += 1
            return []
        except FleetError as exc:  # TakeoverBlocked (names the holder and the privilege), or the store failed
            log.warning("claiming expired leases whose rows are locked failed (trying again): %s", exc)
            return []
        self._counters.grants += len(granted)
        return granted

    async def surplus(self, worker: Worker) -> int:
        """How many more ready accounts ``worker`` holds than its ``min(capacity, fair share)`` (negative: how many
        it may still claim). A worker above its share hands the surplus back, so one that starts later gets its share;
        accounts no longer ready (disabled) do not count, their holder lets them go anyway."""
        async with self._store.transaction(readonly=True) as tx:
            share, _, held_ready, _ = await self._share(tx, worker)
        return held_ready - share

    async def _share(self, tx: Tx, worker: Worker, *, claimable: bool = False) -> tuple[int, int, int, int]:
        """(``min(capacity, fair share)``, account leases held, ready accounts' leases held, and with ``claimable`` how
        many ready leases are free or past expiry plus grace, counted up to the capacity) for ``worker``. Leases of
        other resources (``login:<id>``) take no share: a worker driving a login still runs its share of accounts."""
        row = await tx.fetchone(
            "SELECT (SELECT value FROM counters WHERE name = 'ready_accounts'),"
            " (SELECT count(*) FROM workers WHERE heartbeat >= {now} - :ttl AND state IN ('starting', 'running')"
            " AND capacity > 0),"
            " (SELECT count(*) FROM leases WHERE holder = :holder AND account_id IS NOT NULL),"
            " (SELECT count(*) FROM leases WHERE holder = :holder AND ready = 1)"
            + (_CLAIMABLE if claimable else ", 0"),
            {"ttl": self.settings.ttl, "holder": worker.id, "grace": self.settings.grace, "capacity": worker.capacity},
        )
        ready, live, held, held_ready, free = (int(v or 0) for v in row or (0, 0, 0, 0, 0))
        share = math.ceil(ready / max(live, 1))
        return min(worker.capacity, share), held, held_ready, free

    async def renew(self, worker: Worker, leases: Sequence[Lease]) -> RenewResult:
        """Extend every lease of ``worker`` that it still holds at the same epoch, in one statement; ``unready``
        names the renewed account leases whose account a worker should no longer run (e.g. disabled)."""
        if not leases:
            return RenewResult([], [])
        async with self._store.transaction() as tx:
            rows = await tx.fetch(
                "UPDATE leases SET renewed_at = {now}, expires_at = {now} + :ttl"
                " WHERE holder = :holder AND (resource, epoch) IN ({pairs}) RETURNING resource, expires_at, ready",
                {"holder": worker.id, "ttl": self.settings.ttl, "pairs": _pairs(leases)},
            )
        expiry = {resource: float(expires) for resource, expires, _ in rows}
        idle = {resource for resource, _, ready in rows if not ready}
        renewed = [_with_expiry(lease, expiry[lease.resource]) for lease in leases if lease.resource in expiry]
        lost = [lease for lease in leases if lease.resource not in expiry]
        unready = [lease for lease in renewed if lease.resource in idle and lease.account_id is not None]
        self._counters.renewals += len(renewed)
        self._counters.lost += len(lost)
        return RenewResult(renewed, lost, unready)

    async def release(self, worker: Worker, leases: Sequence[Lease]) -> list[Lease]:
        """Hand the leases back now (those still held at their epoch); the released ones. Flush first: a write
        after the next grant is refused."""
        if not leases:
            return []
        async with self._store.transaction() as tx:
            rows = await tx.fetch(
                "UPDATE leases SET holder = NULL, host = NULL, pid = NULL, expires_at = 0, renewed_at = {now}"
                " WHERE holder = :holder AND (resource, epoch) IN ({pairs}) RETURNING resource, account_id, ready",
                {"holder": worker.id, "pairs": _pairs(leases)},
            )
            for _, account_id, ready in rows:
                if account_id is not None and ready:
                    tx.notify(ACCOUNTS_CHANNEL, str(account_id))
        gone = {row[0] for row in rows}
        self._counters.releases += len(gone)
        return [lease for lease in leases if lease.resource in gone]

    async def list(self) -> list[LeaseInfo]:
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                "SELECT l.resource, l.account_id, a.label, l.holder, l.host, l.pid, l.epoch, l.acquired_at,"
                " l.renewed_at, l.expires_at, CASE WHEN l.holder IS NOT NULL AND l.expires_at > {now} THEN 1 ELSE 0"
                " END FROM leases l LEFT JOIN accounts a ON a.id = l.account_id ORDER BY l.resource"
            )
        return [LeaseInfo(*row[:10], live=bool(row[10])) for row in rows]  # type: ignore[misc]


async def take_back(tx: Tx, account_id: int) -> int:
    """Take the account's lease from whoever holds it, in ``tx``: it is free at once and its epoch and the account's
    fence go one up, so the holder's renewals and fenced writes are refused from this commit on (its key was replaced:
    a re-login). The new epoch."""
    epoch = await tx.scalar(
        "UPDATE leases SET epoch = epoch + 1, holder = NULL, host = NULL, pid = NULL, expires_at = 0,"
        " renewed_at = {now} WHERE resource = :resource RETURNING epoch",
        {"resource": account_resource(account_id)},
    )
    await tx.execute("UPDATE accounts SET fence_epoch = :epoch WHERE id = :id", {"epoch": epoch, "id": account_id})
    return int(epoch)


async def _fence_grants(tx: Tx, leases: Sequence[Lease]) -> None:
    """Raise each granted account's (or login flow's) fence to the new epoch (same transaction as the grant)."""
    await tx.executemany(
        "UPDATE accounts SET fence_epoch = :epoch WHERE id = :id",
        [{"epoch": lease.epoch, "id": lease.account_id} for lease in leases if lease.account_id is not None],
    )
    logins = [(lease, login_id) for lease in leases if (login_id := login_of(lease.resource)) is not None]
    await tx.executemany(
        "UPDATE logins SET fence_epoch = :epoch, worker = :worker WHERE id = :id",
        [{"epoch": lease.epoch, "worker": lease.holder, "id": login_id} for lease, login_id in logins],
    )


def login_of(resource: str) -> int | None:
    """The login flow id of a ``login:<id>`` lease (None for any other resource)."""
    kind, _, rest = resource.partition(":")
    return int(rest) if kind == "login" and rest.isdigit() else None


async def _held(tx: Tx, resource: str) -> LeaseHeldError:
    row = await tx.fetchone("SELECT holder, host, pid, expires_at FROM leases WHERE resource = :r", {"r": resource})
    holder, host, pid, expires = row or ("?", "?", 0, 0.0)
    return LeaseHeldError(resource, str(holder), str(host), int(pid or 0), float(expires))


def _account_id(resource: str) -> int | None:
    kind, _, rest = resource.partition(":")
    if kind != "account":
        return None
    if not rest.isdigit():
        raise AccountNotFound(f"{resource!r} is not an account lease (account:<id>)")
    return int(rest)


def _pairs(leases: Sequence[Lease]) -> str:
    return json.dumps([[lease.resource, lease.epoch] for lease in leases])


def _with_expiry(lease: Lease, expires_at: float) -> Lease:
    return Lease(lease.resource, lease.holder, lease.epoch, expires_at, lease.account_id, lease.host, lease.pid)
