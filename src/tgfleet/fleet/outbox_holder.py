"""``HolderOutbox``: the outbox as the holder of one account's lease writes it, every write fenced by its epoch.

Each method is one transaction that starts with the fence (``sessions.fence``: the account row, on the condition
that its ``fence_epoch`` is still the holder's), so a holder whose lease a newer one took writes nothing (StaleEpoch)
and a grant never interleaves with a holder's transition. The fence goes in one batch (``Tx.batch``: one trip to
the engine) with the statements that do not wait on each other's results; its count is checked before the rest is
trusted (a refusal rolls the whole transaction back).

- ``claim``: first (the holder's first claim only: once the fence moved, no older holder writes again) what an
  older holder of the account left behind, or a sender before this one under the same lease (the account runner
  starts its sending again after an error, one at a time: the one before has ended) (``sending`` -> ``unknown``, its
  attempt too: the call may have reached Telegram; ``claimed`` -> ``queued``, or ``unknown`` once pinned), the
  pool's messages claimed but not begun by an account nobody holds any more (its lease released or run out: back to
  the pool, since no random_id was written; a begun one stays pinned to its account) and what is past its deadline
  (``expired``)
  (these two, the sweep, once every ``SWEEP_INTERVAL``: a head past its deadline is never begun meanwhile);
  then the due head of each chat (queued, retry_wait or unknown whose ``not_before``
  passed, no earlier open message in its chat, none in flight) -> ``claimed`` by this account (a pool's unassigned
  messages only when ``take_pool``, as ``outbox_pool`` chooses, one per claim so the load it compares stays true),
  oldest first. A unique index on the chat of in-flight rows makes "one in flight per chat" the store's own rule.
- ``begin``: ``claimed`` -> ``sending``: the random_id set if it has none (never changed after), the account pinned,
  the attempt recorded, all committed before the call.
- ``finish``: ``sending`` -> the outcome (sent with Telegram's id, retry_wait, held, failed, unknown), on the
  message and its attempt.
- ``step`` (the sender's): ``finish`` and the next ``begin`` in one transaction, the head begun straight from its
  due state (the claim's own checks and recovery first, nothing left ``claimed``). The holders of one ``StepGroup``
  (a worker's) share it: the steps ready at once go into one transaction (``steps``, through ``group_commit``): one
  commit for many messages, whose calls then run in parallel; a holder whose fence is refused there gets its
  StaleEpoch and writes nothing, the others' steps commit.
- ``claim`` and ``begin`` are no longer the worker's (``step`` begins from the due state): they stay because stores
  written by earlier versions hold ``claimed`` rows, whose recovery (``sql.RECOVER``) and return to the pool
  (``sql.SWEEP``) the tests prove by making such rows through them.
- ``flood_waits`` / ``cool_down``: the account's running waits in the flood ledger (``flood_ledger``), and a wait
  of the holder's own (the circuit breaker's); ``finish`` records an outcome's wait in its transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tgfleet.fleet import flood_ledger, outbox_pool, sessions
from tgfleet.fleet import outbox_statements as sql
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import AccountNotFound, StaleEpoch
from tgfleet.fleet.flood_ledger import FloodWait, Wait
from tgfleet.fleet.group_commit import GroupCommit
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.outbox_rows import MESSAGE_COLUMNS, message_of
from tgfleet.fleet.records import Evidence
from tgfleet.fleet.store import Done, Statement, Store, Tx

SWEEP_INTERVAL = 1.0  # seconds between a holder's sweeps (pool claims orphaned, deadlines passed)


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
Begun = tuple[OutboxMessage, int]  # a message begun (``sending``, committed) and its attempt's id


@dataclass(frozen=True)
class Step:
    """One holder's ``step``: its arguments, as ``steps`` runs it with other holders' in one transaction."""

    holder: HolderOutbox
    ended: Ended | None
    choose: Choose | None
    random_id: int
    take_pool: bool
    limit: int


@dataclass(frozen=True)
class _Opening:
    """A transition's statements after the fence (``HolderOutbox._opening``), and what reading their results needs."""

    statements: list[Statement]
    params: dict[str, object]
    ended: Ended | None
    take_pool: bool
    heads: bool  # whether the due heads are read
    sweep: bool
    waiting: bool  # whether ``outbox_pool.WAITING`` is among the statements (before the heads)


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
        group: StepGroup | None = None,
        sweep_interval: float = SWEEP_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store, self._counters = store, counters
        self._group = group or step_group(store)
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
        return self._claim_params(take_pool, least, **more)

    def _claim_params(self, take_pool: bool, least: bool, **more: object) -> dict[str, object]:
        return self._params(pool=self.pool, take_pool=int(take_pool), least=int(least),
                            peer_at=outbox_pool.peer_at(self.pool), **more)  # fmt: skip

    async def has_work(self, *, take_pool: bool = True) -> bool:
        """A read: whether ``claim`` has anything to do (a due message, or one an older holder left in flight). One
        trip: whether there is any if this account took the pool's unassigned messages too, and whether any of those
        wait; only when both are so does it ask again whether this account is the one to take them."""
        async with self._store.transaction(readonly=True) as tx:
            pooled = [(outbox_pool.WAITING, {"pool": self.pool})] if take_pool else []
            done = await tx.closing_batch([(sql.HAS_WORK, self._claim_params(take_pool, True)), *pooled])
        if not done[0].rows or not take_pool or not done[1].rows:
            return bool(done[0].rows)
        async with self._store.transaction(readonly=True) as tx:
            found = await tx.scalar(sql.HAS_WORK, await self._pool_params(tx, take_pool))
        return found is not None

    async def claim(self, *, limit: int = 10, take_pool: bool = True) -> list[OutboxMessage]:
        """Up to ``limit`` due messages, at most one per chat, now ``claimed`` by this holder."""
        async with self._store.transaction() as tx:
            heads = await self._open(tx, None, take_pool, limit)
            first_pooled = next((head.id for head in heads if head.pooled), None)  # one unassigned per claim
            ids = [head.id for head in heads if not head.pooled or head.id == first_pooled]
            await tx.executemany(sql.CLAIM, [self._params(id=message_id) for message_id in ids])
            claimed = await self._read(tx, ids)
        self._recovered = True  # committed: no holder of an older epoch writes after our fence
        return claimed

    async def step(
        self, ended: Ended | None, *, choose: Choose | None, random_id: int, take_pool: bool = True, limit: int = 10
    ) -> Begun | None:
        """One transition: ``finish`` the attempt that ``ended`` (if any), then, unless ``choose`` is None, begin
        the first due head (as ``claim`` finds them, up to ``limit``) whose chat and peer ``choose`` lets go now:
        from its due state straight to ``sending``, as ``begin`` does (random_id, account pinned, the attempt), with
        nothing left ``claimed``. The begun message and its attempt's id, or None. It goes to the store with the
        steps of the other holders that share this one's ``group`` (``steps``: one transaction for all of them)."""
        begun = await self._group.run(Step(self, ended, choose, random_id, take_pool, limit))
        self._recovered = True  # committed: no holder of an older epoch writes after our fence
        return begun

    def _opening(self, ended: Ended | None, take_pool: bool, limit: int | None, *, waiting: bool = True) -> _Opening:
        """What a transition writes and reads after its fence: the attempt that ``ended``, and unless ``limit`` is
        None what older holders left (the first time), the sweep (when due), whether the pool's messages wait
        (unless not ``waiting``: the caller asks once for many holders of the pool) and the due heads."""
        params = self._claim_params(take_pool, False, limit=limit or 0)
        sweep = limit is not None and self._clock() - self._swept >= self._sweep_interval
        statements: list[Statement] = [] if ended is None else self._finishing(*ended)
        if limit is not None:
            statements += [(s, params) for s in (() if self._recovered else sql.RECOVER) + (sql.SWEEP if sweep else ())]
            waiting = waiting and take_pool
            statements += [(outbox_pool.WAITING, params)] if waiting else []
            statements.append((sql.HEADS, params))
        return _Opening(statements, params, ended, take_pool, limit is not None, sweep, waiting and limit is not None)

    async def _opened(self, tx: Tx, opening: _Opening, done: list[Done], pool_waits: bool = False) -> list[Head]:
        """After ``opening``'s statements ran (``done``): LookupError as ``finish``; the due heads. ``pool_waits``:
        what ``outbox_pool.WAITING`` answered, when it is not among ``opening``'s statements."""
        if opening.ended is not None:
            await self._finished(tx, opening.ended, done[0].count)
        if not opening.heads:
            return []
        self._swept = (
            self._clock() if opening.sweep else self._swept
        )  # (rolled back: the next sweep comes a little later)
        rows = done[-1].rows
        pool_waits = bool(done[-2].rows) if opening.waiting else pool_waits
        if opening.take_pool and pool_waits and await outbox_pool.fewest(tx, self.account_id, self.pool):
            rows = await tx.fetch(sql.HEADS, opening.params | {"least": 1})  # the least loaded takes the unassigned too
        return [Head(int(id_), account_id is None, str(chat), str(peer)) for id_, account_id, chat, peer in rows]

    def _fence_statement(self) -> Statement:
        return sessions.FENCE, sessions.fence_params(self.account_id, self.epoch)

    async def _open(self, tx: Tx, ended: Ended | None, take_pool: bool, limit: int | None) -> list[Head]:
        """A transition's first trip to the store, one batch: the fence and ``_opening``'s statements. StaleEpoch
        (the batch rolled back with its transaction) or LookupError as ``finish``."""
        opening = self._opening(ended, take_pool, limit)
        tx.plan_generically()  # HEADS: about 0.7 ms to plan on PostgreSQL, 0.15 to run
        done = await tx.batch([self._fence_statement(), *opening.statements])
        if done[0].count == 0:
            await self._refused(tx)
        return await self._opened(tx, opening, done[1:])

    async def _refused(self, tx: Tx) -> None:
        self._counters.fence_refusals += 1
        await sessions.refuse(tx, self.account_id, self.epoch)

    async def begin(self, message: OutboxMessage, random_id: int) -> tuple[OutboxMessage, int]:
        """``claimed`` -> ``sending``, committed: the message (with its random_id: ``random_id`` unless it had one)
        and the attempt's id. StaleEpoch when the lease is gone; OutboxStateError-free: a message not claimed by
        this holder any more raises LookupError."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            return await self._begin(tx, message.id, random_id, "claimed")

    async def _begin(self, tx: Tx, message_id: int, random_id: int, was: str) -> Begun:
        """(Fenced by the caller.) -> ``sending`` from ``was`` (``sql.BEGIN``), the attempt recorded: one batch."""
        return self._begun(message_id, await tx.batch(self._beginning(message_id, random_id, was)))

    def _beginning(self, message_id: int, random_id: int, was: str = "due") -> list[Statement]:
        params = self._params(id=message_id, random_id=random_id)
        return [(sql.BEGIN[was], params), (sql.ATTEMPT, params)]

    def _begun(self, message_id: int, done: Sequence[Done]) -> Begun:
        message, attempt = done
        if not message.rows:  # (the attempt's insert found no row either)
            raise LookupError(
                f"outbox message {message_id} cannot be begun by this holder (no longer claimed by it, or due)"
            )
        return message_of(message.rows[0]), int(attempt.rows[0][0])

    async def finish(self, message_id: int, attempt_id: int, outcome: Outcome) -> OutboxMessage:
        """``sending`` -> ``outcome.state`` on the message and its attempt."""
        async with self._store.transaction() as tx:
            await self._open(tx, (message_id, attempt_id, outcome), False, None)
            [message] = await self._read(tx, [message_id])
            return message

    def _finishing(self, message_id: int, attempt_id: int, outcome: Outcome) -> list[Statement]:
        e = outcome.error or Evidence()
        params = self._params(id=message_id, attempt=attempt_id, state=outcome.state.value, tg=outcome.tg_message_id,
                              code=e.code, name=e.name, message=e.message, not_before=outcome.not_before)  # fmt: skip
        return [(statement, params) for statement in sql.FINISH]

    async def _finished(self, tx: Tx, ended: Ended, count: int) -> None:
        """After ``_finishing``'s statements ran: LookupError if the message was not this holder's to finish; the
        outcome's wait into the ledger."""
        message_id, _, outcome = ended
        if not count:
            raise LookupError(f"outbox message {message_id} is no longer being sent by this holder")
        if outcome.wait is not None:
            e = outcome.error or Evidence()
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


StepGroup = GroupCommit[Step, "Begun | None"]


def step_group(store: Store) -> StepGroup:
    """A group commit of ``step`` for the holders that share it (a worker's: all the accounts it holds)."""
    return GroupCommit(store, steps, _abandoned)


async def steps(tx: Tx, group: Sequence[Step]) -> list[Begun | Exception | None]:
    """Many holders' steps in one transaction, in three trips whatever their number, the commit's included: every
    holder's fence, in one statement (one refused gets its StaleEpoch and sends nothing more: the others go on), the
    fenced ones' ``_opening`` statements (the attempts that ended written, the due heads read, and once per pool
    whether its messages wait), then their begins with the commit (``Tx.closing_batch``): each holder's first head
    that its ``choose`` lets go, in a chat no other holder of the group begins in (a pool's chat is one chat for all
    of them). Any other failure raises before the commit (the group commit then runs each step alone)."""
    out: list[Begun | Exception | None] = [None] * len(group)
    fenced: dict[int, _Opening] = {}
    tx.plan_generically()  # (as ``_open``)
    held = await sessions.held_fences(tx, [(s.holder.account_id, s.holder.epoch) for s in group])
    for i, step in enumerate(group):
        if (step.holder.account_id, step.holder.epoch) in held:
            limit = None if step.choose is None else step.limit
            fenced[i] = step.holder._opening(step.ended, step.take_pool, limit, waiting=False)
            continue
        try:
            await step.holder._refused(tx)
        except (StaleEpoch, AccountNotFound) as exc:
            out[i] = exc
    pools = list(dict.fromkeys(group[i].holder.pool for i, o in fenced.items() if o.heads and o.take_pool))
    done = await tx.batch([statement for opening in fenced.values() for statement in opening.statements]
                          + [(outbox_pool.WAITING, {"pool": pool}) for pool in pools])  # fmt: skip
    waits = {pool: bool(d.rows) for pool, d in zip(pools, done[len(done) - len(pools) :], strict=True)}
    chosen: dict[int, Head] = {}
    for i, opening in fenced.items():
        pool_waits = waits.get(group[i].holder.pool, False)
        heads = await group[i].holder._opened(tx, opening, done[: len(opening.statements)], pool_waits)
        done = done[len(opening.statements) :]
        choose, taken = group[i].choose, {head.chat for head in chosen.values()}
        head = next((h for h in heads if h.chat not in taken and choose is not None and choose(h.chat, h.peer)), None)
        chosen.update({} if head is None else {i: head})
    begins = [group[i].holder._beginning(head.id, group[i].random_id) for i, head in chosen.items()]
    begun = await tx.closing_batch([statement for pair in begins for statement in pair]) if begins else []
    for k, (i, head) in enumerate(chosen.items()):  # (committed with them: nothing raises now)
        try:
            out[i] = group[i].holder._begun(head.id, begun[2 * k : 2 * k + 2])
        except LookupError as exc:  # (a head just read and locked: not expected) its begin wrote nothing
            out[i] = exc
    return out


async def _abandoned(step: Step, begun: Begun | None) -> None:
    """A message begun for a sender that left before it heard (stopped): ``unknown``, to go again with its
    random_id, as a sender stopped during its call leaves it."""
    if begun is not None:
        await step.holder.finish(begun[0].id, begun[1], Outcome(OutboxState.UNKNOWN))
