"""``HolderOutbox``: the outbox as the holder of one account's lease writes it, every write fenced by its epoch.

Each method is one transaction that starts with the fence (``sessions.fence``: the account row, on the condition
that its ``fence_epoch`` is still the holder's), so a holder whose lease a newer one took writes nothing (StaleEpoch)
and a grant never interleaves with a holder's transition.

- ``claim``: first (the holder's first claim only: once the fence moved, no older holder writes again) what an
  older holder of the account left behind (``sending`` -> ``unknown``, its attempt too:
  the call may have reached Telegram; ``claimed`` -> ``queued``, or ``unknown`` once pinned), the pool's messages
  claimed but not begun by an account nobody holds any more (its lease released or run out: back to the pool, since
  no random_id was written; a begun one stays pinned to its account) and what is past its deadline (``expired``);
  then the due head of each chat (queued, retry_wait or unknown whose ``not_before``
  passed, no earlier open message in its chat, none in flight) -> ``claimed`` by this account (a pool's unassigned
  messages only when ``take_pool``, as ``outbox_pool`` chooses, one per claim so the load it compares stays true),
  oldest first. A unique index on the chat of in-flight rows makes "one in flight per chat" the store's own rule.
- ``begin``: ``claimed`` -> ``sending``: the random_id set if it has none (never changed after), the account pinned,
  the attempt recorded, all committed before the call.
- ``finish``: ``sending`` -> the outcome (sent with Telegram's id, retry_wait, held, failed, unknown), on the
  message and its attempt.
- ``step`` (the sender's): ``finish`` and the next ``begin`` in one transaction, the head begun straight from its
  due state (the claim's own checks and recovery first, nothing left ``claimed``): one transaction per message
  sent, besides ``send``'s.
- ``flood_waits`` / ``cool_down``: the account's running waits in the flood ledger (``flood_ledger``), and a wait
  of the holder's own (the circuit breaker's); ``finish`` records an outcome's wait in its transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet.fleet import flood_ledger, outbox_pool, sessions
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.flood_ledger import FloodWait, Wait
from tgfleet.fleet.outbox_records import DUE, IN_FLIGHT, OPEN, OutboxMessage, OutboxState, sql_states
from tgfleet.fleet.outbox_rows import MESSAGE_COLUMNS, MESSAGE_RETURNING, message_of
from tgfleet.fleet.records import Evidence
from tgfleet.fleet.store import Store, Tx

_MINE = (
    "(m.account_id = :account OR (:take_pool = 1 AND m.account_id IS NULL AND m.pool = :pool"
    f" AND {outbox_pool.CHOICE}))"
)


def _orphaned(m: str) -> str:
    """A pool message claimed, not begun, by an account nobody holds now (nothing of it reached Telegram); ``m``:
    the table's alias and a dot, or nothing (an UPDATE's own conditions, rechecked on the row it locks)."""
    return (
        f"(:take_pool = 1 AND {m}pool = :pool AND {m}state = 'claimed' AND {m}random_id IS NULL"
        f" AND {m}account_id <> :account"
        f" AND {m}account_id IN (SELECT l.account_id FROM leases l WHERE l.holder IS NULL OR l.expires_at < {{now}}))"
    )


SWEEP_INTERVAL = 1.0  # seconds between a holder's sweeps (pool claims orphaned, deadlines passed)
_BEGINS_FROM = {
    "claimed": "state = 'claimed' AND account_id = :account AND epoch = :epoch",
    "due": f"state IN ({sql_states(DUE)}) AND (account_id = :account OR account_id IS NULL)",
}
_EXPIRABLE = frozenset({OutboxState.QUEUED, OutboxState.RETRY_WAIT, OutboxState.HELD, OutboxState.UNKNOWN})


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended: the state it leaves the message in, and what goes with it."""

    state: OutboxState
    tg_message_id: int | None = None
    error: Evidence | None = None
    not_before: float | None = None
    wait: Wait | None = None  # a flood or slow-mode wait for the ledger


@dataclass(frozen=True)
class Head:
    """A chat's due head as a claim finds it: whether it is its pool's, unassigned; its chat and peer."""

    id: int
    pooled: bool
    chat: str
    peer: str


Ended = tuple[int, int, Outcome]  # an attempt that ended: the message's id, the attempt's, its outcome
Choose = Callable[[str, str], bool]  # whether a head's chat and peer may go now


class HolderOutbox:
    """For the holder of ``account_id`` (in ``pool``) at ``epoch``, as worker ``worker``."""

    def __init__(
        self,
        store: Store,
        counters: Counters,
        account_id: int,
        pool: str,
        epoch: int,
        worker: str,
        *,
        sweep_interval: float = SWEEP_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store, self._counters = store, counters
        self.account_id, self.pool, self.epoch, self.worker = account_id, pool, epoch, worker
        self._recovered = False  # what older epochs left is recovered by the first claim (later ones: fenced out)
        self._sweep_interval, self._clock = sweep_interval, clock
        self._swept = -sweep_interval

    def _params(self, **more: object) -> dict[str, object]:
        return {"account": self.account_id, "epoch": self.epoch, "worker": self.worker} | more

    async def _fence(self, tx: Tx) -> None:
        await sessions.fence_counted(tx, self.account_id, self.epoch, self._counters)

    async def _pool_params(self, tx: Tx, take_pool: bool, **more: object) -> dict[str, object]:
        least = take_pool and await outbox_pool.least_loaded(tx, self.account_id, self.pool)
        return self._params(pool=self.pool, take_pool=int(take_pool), least=int(least),
                            peer_at=outbox_pool.peer_at(self.pool), **more)  # fmt: skip

    async def has_work(self, *, take_pool: bool = True) -> bool:
        """A read: whether ``claim`` has anything to do (a due message, or one an older holder left in flight)."""
        async with self._store.transaction(readonly=True) as tx:
            found = await tx.scalar(
                f"SELECT 1 FROM outbox_messages m WHERE ({_MINE} AND m.state IN ({sql_states(DUE)})"
                f" AND (m.not_before IS NULL OR m.not_before <= {{now}})) OR (m.account_id = :account"
                f" AND m.state IN ({sql_states(IN_FLIGHT)}) AND m.epoch < :epoch) OR {_orphaned('m.')} LIMIT 1",
                await self._pool_params(tx, take_pool),
            )
        return found is not None

    async def claim(self, *, limit: int = 10, take_pool: bool = True) -> list[OutboxMessage]:
        """Up to ``limit`` due messages, at most one per chat, now ``claimed`` by this holder."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            heads = await self._heads(tx, take_pool, limit)
            first_pooled = next((head.id for head in heads if head.pooled), None)  # one unassigned per claim
            ids = [head.id for head in heads if not head.pooled or head.id == first_pooled]
            for message_id in ids:
                await tx.execute(
                    f"UPDATE outbox_messages SET state = 'claimed', account_id = :account, epoch = :epoch,"
                    f" worker = :worker, updated_at = {{now}} WHERE id = :id AND state IN ({sql_states(DUE)})",
                    self._params(id=message_id),
                )
            claimed = await self._read(tx, ids)
        self._recovered = True  # committed: no holder of an older epoch writes after our fence
        return claimed

    async def step(
        self, ended: Ended | None, *, choose: Choose | None, random_id: int, take_pool: bool = True, limit: int = 10
    ) -> tuple[OutboxMessage, int] | None:
        """One transaction: ``finish`` the attempt that ``ended`` (if any), then, unless ``choose`` is None, begin
        the first due head (as ``claim`` finds them, up to ``limit``) whose chat and peer ``choose`` lets go now:
        from its due state straight to ``sending``, as ``begin`` does (random_id, account pinned, the attempt), with
        nothing left ``claimed``. The begun message and its attempt's id, or None."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            if ended is not None:
                await self._finish(tx, *ended)
            if choose is None:
                return None
            heads = await self._heads(tx, take_pool, limit)
            head = next((head for head in heads if choose(head.chat, head.peer)), None)
            begun = None if head is None else await self._begin(tx, head.id, random_id, "due")
        self._recovered = True
        return begun

    async def _heads(self, tx: Tx, take_pool: bool, limit: int) -> list[Head]:
        """(Fenced by the caller.) What older holders left, pool claims orphaned, the expired; then the due heads."""
        if not self._recovered:
            await self._recover(tx)
        params = await self._pool_params(tx, take_pool, limit=limit)
        if self._clock() - self._swept >= self._sweep_interval:
            await self._sweep(tx, params)
        rows = await tx.fetch(
            f"SELECT m.id, m.account_id, m.chat, m.peer FROM outbox_messages m WHERE {_MINE}"
            f" AND m.state IN ({sql_states(DUE)}) AND (m.not_before IS NULL OR m.not_before <= {{now}})"
            " AND (m.deadline IS NULL OR m.deadline >= {now})"
            f" AND NOT EXISTS (SELECT 1 FROM outbox_messages e WHERE e.chat = m.chat AND e.id < m.id"
            f" AND e.state IN ({sql_states(OPEN)}))"
            f" AND NOT EXISTS (SELECT 1 FROM outbox_messages f WHERE f.chat = m.chat"
            f" AND f.state IN ({sql_states(IN_FLIGHT)}))"
            f" ORDER BY m.id LIMIT :limit {{skip_locked}}",
            params,
        )
        return [Head(int(id_), account_id is None, str(chat), str(peer)) for id_, account_id, chat, peer in rows]

    async def _sweep(self, tx: Tx, params: dict[str, object]) -> None:
        """The pool's messages claimed by accounts nobody holds go back to the pool; past their deadline: expired."""
        await tx.execute(
            "UPDATE outbox_messages SET state = 'queued', account_id = NULL, epoch = :epoch, worker = :worker,"
            f" updated_at = {{now}} WHERE {_orphaned('')}",
            params,
        )
        await tx.execute(
            f"UPDATE outbox_messages SET state = 'expired', epoch = :epoch, worker = :worker,"
            f" updated_at = {{now}} WHERE id IN (SELECT m.id FROM outbox_messages m WHERE {_MINE}"
            f" AND m.state IN ({sql_states(_EXPIRABLE)}) AND m.deadline IS NOT NULL AND m.deadline < {{now}})",
            params,
        )
        self._swept = self._clock()  # (rolled back with its transaction, the next sweep comes a little later)

    async def _recover(self, tx: Tx) -> None:
        """What holders of older epochs left in flight on this account."""
        params = self._params()
        await tx.execute(
            "UPDATE outbox_attempts SET outcome = 'unknown', finished_at = {now},"
            " error_message = 'the holder ended during the call' WHERE account_id = :account AND outcome = 'sending'"
            " AND epoch < :epoch",
            params,
        )
        await tx.execute(
            "UPDATE outbox_messages SET state = 'unknown', not_before = NULL, epoch = :epoch, worker = :worker,"
            " error_code = NULL, error_name = NULL, error_message = 'the holder ended during the call',"
            " updated_at = {now} WHERE account_id = :account AND state = 'sending' AND epoch < :epoch",
            params,
        )
        await tx.execute(
            "UPDATE outbox_messages SET state = CASE WHEN random_id IS NULL THEN 'queued' ELSE 'unknown' END,"
            " account_id = CASE WHEN random_id IS NULL AND pool IS NOT NULL THEN NULL ELSE account_id END,"
            " epoch = :epoch, worker = :worker, updated_at = {now}"
            " WHERE account_id = :account AND state = 'claimed' AND epoch < :epoch",
            params,
        )

    async def begin(self, message: OutboxMessage, random_id: int) -> tuple[OutboxMessage, int]:
        """``claimed`` -> ``sending``, committed: the message (with its random_id: ``random_id`` unless it had one)
        and the attempt's id. StaleEpoch when the lease is gone; OutboxStateError-free: a message not claimed by
        this holder any more raises LookupError."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            begun = await self._begin(tx, message.id, random_id, "claimed")
            if begun is None:
                raise LookupError(f"outbox message {message.id} is no longer claimed by this holder")
            return begun

    async def _begin(self, tx: Tx, message_id: int, random_id: int, was: str) -> tuple[OutboxMessage, int] | None:
        """(Fenced by the caller.) -> ``sending`` from ``claimed`` by this holder, or from ``due`` (a head the caller
        just found: this account's, or its pool's unassigned); the attempt recorded."""
        row = await tx.fetchone(
            "UPDATE outbox_messages SET state = 'sending', random_id = COALESCE(random_id, :random_id),"
            " account_id = :account, attempts = attempts + 1, epoch = :epoch, worker = :worker, updated_at = {now}"
            f" WHERE id = :id AND {_BEGINS_FROM[was]} {MESSAGE_RETURNING}",
            self._params(id=message_id, random_id=random_id),
        )
        if row is None:
            return None
        sending = message_of(row)
        assert sending.random_id is not None
        attempt = await tx.fetchone(
            "INSERT INTO outbox_attempts (message_id, at, worker, epoch, account_id, random_id, outcome)"
            " VALUES (:id, {now}, :worker, :epoch, :account, :random_id, 'sending') RETURNING id",
            self._params(id=message_id, random_id=sending.random_id),
        )
        assert attempt is not None
        return sending, int(attempt[0])

    async def finish(self, message_id: int, attempt_id: int, outcome: Outcome) -> OutboxMessage:
        """``sending`` -> ``outcome.state`` on the message and its attempt."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            await self._finish(tx, message_id, attempt_id, outcome)
            [message] = await self._read(tx, [message_id])
            return message

    async def _finish(self, tx: Tx, message_id: int, attempt_id: int, outcome: Outcome) -> None:
        e = outcome.error or Evidence()
        params = self._params(id=message_id, attempt=attempt_id, state=outcome.state.value, tg=outcome.tg_message_id,
                              code=e.code, name=e.name, message=e.message, not_before=outcome.not_before)  # fmt: skip
        done = await tx.execute(
            "UPDATE outbox_messages SET state = :state, tg_message_id = COALESCE(:tg, tg_message_id),"
            " error_code = :code, error_name = :name, error_message = :message, not_before = :not_before,"
            " epoch = :epoch, worker = :worker, updated_at = {now}"
            " WHERE id = :id AND state = 'sending' AND account_id = :account AND epoch = :epoch",
            params,
        )
        if not done:
            raise LookupError(f"outbox message {message_id} is no longer being sent by this holder")
        await tx.execute(
            "UPDATE outbox_attempts SET outcome = :state, error_code = :code, error_name = :name,"
            " error_message = :message, finished_at = {now} WHERE id = :attempt",
            params,
        )
        if outcome.wait is not None:
            await flood_ledger.hold(tx, self.account_id, self.epoch, self.worker, outcome.wait, e)

    async def flood_waits(self, now: float) -> list[FloodWait]:
        """A read: the account's waits still running at ``now``."""
        async with self._store.transaction(readonly=True) as tx:
            return await flood_ledger.read(tx, account_id=self.account_id, now=now)

    async def history(self, day_start: float) -> tuple[int, int, set[str]]:
        """A read for the daily budgets: messages sent since ``day_start``, peers first sent to since then, and
        every peer (lower case) the account ever sent to."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                "SELECT LOWER(peer), MIN(updated_at), SUM(CASE WHEN updated_at >= :day THEN 1 ELSE 0 END)"
                " FROM outbox_messages WHERE account_id = :account AND state = 'sent' GROUP BY LOWER(peer)",
                self._params(day=day_start),
            )
        sent = sum(int(today) for _, _, today in rows)
        return sent, sum(1 for _, first, _ in rows if first >= day_start), {str(peer) for peer, _, _ in rows}

    async def cool_down(self, wait: Wait, why: Evidence) -> None:
        """Record a wait of the holder's own (the circuit breaker's cool-down), fenced."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            await flood_ledger.hold(tx, self.account_id, self.epoch, self.worker, wait, why)

    async def _read(self, tx: Tx, ids: list[int]) -> list[OutboxMessage]:
        out = []
        for message_id in ids:
            row = await tx.fetchone(f"{MESSAGE_COLUMNS} WHERE m.id = :id", {"id": message_id})
            if row is not None:
                out.append(message_of(row))
        return out
