"""The outbox's store semantics on both engines: idempotent sends, typed refusals, and a Hypothesis state machine of
its transitions (holders claiming, beginning and finishing sends, leases moving, holders dying, operators
cancelling and retrying) checked against the invariants after every step: a random_id is written once and never
changes, the account is pinned from the first attempt on, at most one message per chat is in flight, a chat's
messages begin in the order of ``send``, every holder transition carries the holder's epoch, stale epochs are
refused and change nothing."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tgfleet.fleet import AccountNotFound, Fleet, FleetValueError, StaleEpoch
from tgfleet.fleet.errors import IdempotencyConflict, MessageNotFound, OutboxStateError
from tgfleet.fleet.outbox_holder import HolderOutbox, Outcome
from tgfleet.fleet.outbox_records import IN_FLIGHT, OutboxMessage, OutboxState
from tgfleet.fleet.records import Evidence, Lease, Worker

from .helpers import populate, pyrogram_string, until

T = TypeVar("T")
CLOSED = {OutboxState.SENT, OutboxState.FAILED, OutboxState.CANCELLED, OutboxState.EXPIRED}


async def test_the_same_key_returns_the_same_message_and_another_body_is_a_conflict(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        first = await fleet.outbox.send(peer="@alice", text="hello", account="acct0", idempotency_key="k1")
        assert first.state is OutboxState.QUEUED and first.account == "acct0" and first.random_id is None
        again = await fleet.outbox.send(peer="@alice", text="hello", account="acct0", idempotency_key="k1")
        assert again.id == first.id
        for body in ({"peer": "@bob", "text": "hello", "account": "acct0"},
                     {"peer": "@alice", "text": "hello!", "account": "acct0"},
                     {"peer": "@alice", "text": "hello", "account": "acct1"}):  # fmt: skip
            with pytest.raises(IdempotencyConflict) as conflict:
                await fleet.outbox.send(idempotency_key="k1", **body)
            assert conflict.value.message_id == first.id
        other = await fleet.outbox.send(peer="@alice", text="hello", account="acct0")  # no key: a new message
        assert other.id != first.id
        assert [m.id for m in await fleet.outbox.list(account="acct0")] == [first.id, other.id]


async def test_bad_sends_are_refused_before_anything_is_stored(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        for kwargs, error in (
            ({"peer": "@a", "text": "x"}, FleetValueError),  # neither account nor pool
            ({"peer": "@a", "text": "x", "account": "acct0", "pool": "default"}, FleetValueError),
            ({"peer": "", "text": "x", "account": "acct0"}, FleetValueError),
            ({"peer": "@a", "text": " ", "account": "acct0"}, FleetValueError),
            ({"peer": "@a", "text": "x" * 4097, "account": "acct0"}, FleetValueError),
            ({"peer": "@a", "text": "x", "account": "nobody"}, AccountNotFound),
            ({"peer": "@a", "text": "x", "pool": "no-such-pool"}, FleetValueError),
        ):
            with pytest.raises(error):
                await fleet.outbox.send(**kwargs)  # type: ignore[arg-type]
        assert await fleet.outbox.list() == []
        with pytest.raises(MessageNotFound):
            await fleet.outbox.get(12345)


# --- the state machine ------------------------------------------------------------------------------------------


class Holders:
    """The leases of the machine's accounts: the current holder of each, and every older one (stale). All of them
    share one step group, as a worker's holders do: steps ready at once go into one transaction."""

    def __init__(self, fleet: Fleet, worker: Worker, account_ids: list[int]) -> None:
        self.fleet, self.worker, self.account_ids = fleet, worker, account_ids
        self.group = fleet.outbox.step_group()
        self.current: dict[int, tuple[Lease, HolderOutbox]] = {}
        self.stale: list[HolderOutbox] = []

    async def new_lease(self, account_id: int) -> None:
        if account_id in self.current:
            old_lease, old = self.current.pop(account_id)
            await self.fleet.leases.release(self.worker, [old_lease])
            self.stale.append(old)
        lease = await self.fleet.leases.acquire_account(account_id, self.worker)
        account = await self.fleet.accounts.get(account_id)
        holder = self.fleet.outbox.holder(account, lease.epoch, self.worker.id, group=self.group)
        self.current[account_id] = (lease, holder)


class OutboxMachine(RuleBasedStateMachine):
    """Commands against a real store; ``run`` drives the shared event loop the store lives on."""

    run: Callable[[Coroutine[Any, Any, Any]], Any]
    holders: Holders
    tag: str

    def __init__(self) -> None:
        super().__init__()
        self.claimed: dict[int, tuple[HolderOutbox, OutboxMessage]] = {}
        self.sending: dict[int, tuple[HolderOutbox, int]] = {}
        self.random_ids: dict[int, int] = {}
        self.pinned: dict[int, int] = {}
        self.sent_order: list[int] = []
        self.keys = itertools.count()
        self.mine: set[int] = set()
        self.retried: set[int] = set()  # re-opened by an operator: behind later messages (order cannot hold)
        self.run(self._fresh_leases())

    async def _fresh_leases(self) -> None:
        for account_id in self.holders.account_ids:
            await self.holders.new_lease(account_id)

    def _messages(self) -> dict[int, OutboxMessage]:
        listed = self.run(self.holders.fleet.outbox.list(limit=1000))
        return {m.id: m for m in listed if m.id in self.mine}

    @rule(peer=st.sampled_from(["@p1", "@p2"]), to=st.sampled_from([0, 1, "pool"]))
    def send(self, peer: str, to: int | str) -> None:
        target = {"pool": self.tag} if to == "pool" else {"account": f"{self.tag}{to}"}
        message = self.run(self.holders.fleet.outbox.send(peer=peer, text=f"m{next(self.keys)}", **target))
        self.mine.add(message.id)

    @rule(which=st.integers(0, 1), take_pool=st.booleans())
    def claim(self, which: int, take_pool: bool) -> None:
        account_id = self.holders.account_ids[which]
        _, holder = self.holders.current[account_id]
        for message in self.run(holder.claim(limit=3, take_pool=take_pool)):
            if message.id not in self.mine:
                continue
            assert message.epoch == holder.epoch and message.account_id == account_id
            if message.id in self.pinned:
                assert self.pinned[message.id] == account_id
            self.claimed[message.id] = (holder, message)

    @rule(which=st.integers(0, 1))
    def claim_and_begin(self, which: int) -> None:
        self.claim(which, take_pool=True)
        for message_id in sorted(self.claimed):
            self._begin(message_id)

    @rule(data=st.data())
    def begin(self, data: st.DataObject) -> None:
        if self.claimed:
            self._begin(data.draw(st.sampled_from(sorted(self.claimed))))

    def _begin(self, message_id: int) -> None:
        holder, message = self.claimed.pop(message_id)
        try:
            sending, attempt = self.run(holder.begin(message, random_id=int(time.time()) << 32 | next(self.keys)))
        except (StaleEpoch, LookupError):
            return
        assert sending.state is OutboxState.SENDING and sending.epoch == holder.epoch
        assert sending.random_id is not None
        self.sending[message_id] = (holder, attempt)
        [last] = self.run(self.holders.fleet.outbox.attempts(message_id))[-1:]
        assert (last.epoch, last.worker, last.random_id) == (holder.epoch, holder.worker, sending.random_id)

    @rule(data=st.data(), state=st.sampled_from([OutboxState.SENT, OutboxState.RETRY_WAIT, OutboxState.HELD,
                                                 OutboxState.FAILED, OutboxState.UNKNOWN]))  # fmt: skip
    def finish(self, data: st.DataObject, state: OutboxState) -> None:
        if not self.sending:
            return
        message_id = data.draw(st.sampled_from(sorted(self.sending)))
        holder, attempt = self.sending.pop(message_id)
        due = time.time() + 3600 if data.draw(st.integers(0, 3)) == 0 else time.time() - 1
        outcome = Outcome(state, tg_message_id=message_id if state is OutboxState.SENT else None,
                          error=Evidence(420, "FLOOD_WAIT_1", "wait"), not_before=due)  # fmt: skip
        try:
            done = self.run(holder.finish(message_id, attempt, outcome))
        except (StaleEpoch, LookupError):
            return
        assert done.state is state and done.epoch == holder.epoch

    @rule(data=st.data(), which=st.integers(0, 1), take_pool=st.booleans(), refused=st.sampled_from([None, "@p1"]),
          state=st.sampled_from([OutboxState.SENT, OutboxState.RETRY_WAIT, OutboxState.UNKNOWN]))  # fmt: skip
    def step(self, data: st.DataObject, which: int, take_pool: bool, refused: str | None, state: OutboxState) -> None:
        """The sender's transaction: one of the holder's attempts (if any) finished, the next head begun (a chat
        whose peer is ``refused`` may not go now)."""
        account_id = self.holders.account_ids[which]
        _, holder = self.holders.current[account_id]
        try:
            begun = self.run(self._stepping(data, holder, take_pool, refused, state))
        except (StaleEpoch, LookupError):
            return
        self._began(holder, account_id, refused, begun)

    @rule(data=st.data(), stale=st.booleans(), state=st.sampled_from([OutboxState.SENT, OutboxState.UNKNOWN]))
    def steps_together(self, data: st.DataObject, stale: bool, state: OutboxState) -> None:
        """Both accounts' senders step at once (one transaction of the group, as in a worker), the pool's messages
        open to both, and with ``stale`` an older holder's step among them: it is refused, the others commit."""
        holders = [self.holders.current[a][1] for a in self.holders.account_ids]
        old = data.draw(st.sampled_from(self.holders.stale)) if stale and self.holders.stale else None
        steps = [self._stepping(data, h, True, None, state) for h in holders + ([old] if old else [])]

        async def together() -> list[Any]:
            return await asyncio.gather(*steps, return_exceptions=True)

        results = self.run(together())
        if old is not None:
            assert isinstance(results.pop(), StaleEpoch)
        for holder, account_id, begun in zip(holders, self.holders.account_ids, results, strict=True):
            if not isinstance(begun, LookupError):  # (an ended attempt refused: a hand-over took it)
                assert not isinstance(begun, BaseException), repr(begun)
                self._began(holder, account_id, None, begun)

    def _stepping(
        self, data: st.DataObject, holder: HolderOutbox, take_pool: bool, refused: str | None, state: OutboxState
    ) -> Coroutine[Any, Any, Any]:
        """The holder's step, with one of its attempts (if any) ended: drawn here, run on the store's loop."""
        ours = sorted(m for m, (h, _) in self.sending.items() if h is holder)
        ended = None
        if ours and data.draw(st.booleans()):
            message_id = data.draw(st.sampled_from(ours))
            ended = (message_id, self.sending.pop(message_id)[1], Outcome(state, tg_message_id=message_id))
        return holder.step(ended, choose=lambda chat, peer: peer != refused, take_pool=take_pool,
                           random_id=int(time.time()) << 32 | next(self.keys))  # fmt: skip

    def _began(self, holder: HolderOutbox, account_id: int, refused: str | None, begun: Any) -> None:
        if begun is None:
            return
        sending, attempt = begun
        assert sending.state is OutboxState.SENDING and sending.epoch == holder.epoch
        assert sending.account_id == account_id and sending.random_id is not None and sending.peer != refused
        assert self.pinned.get(sending.id, account_id) == account_id
        self.sending[sending.id] = (holder, attempt)
        [last] = self.run(self.holders.fleet.outbox.attempts(sending.id))[-1:]
        assert (last.epoch, last.id, last.random_id) == (holder.epoch, attempt, sending.random_id)

    @rule(which=st.integers(0, 1))
    def hand_over(self, which: int) -> None:
        """The account's lease goes to a new holder (its old one may have died anywhere)."""
        self.run(self.holders.new_lease(self.holders.account_ids[which]))

    @rule(data=st.data())
    def stale_holder_writes(self, data: st.DataObject) -> None:
        if not self.holders.stale:
            return
        stale = data.draw(st.sampled_from(self.holders.stale))
        before, refusals = self._messages(), self.holders.fleet.counters.fence_refusals
        with pytest.raises(StaleEpoch):
            self.run(stale.claim())
        assert self._messages() == before  # refused: nothing changed
        assert self.holders.fleet.counters.fence_refusals == refusals + 1  # and counted

    @rule(data=st.data(), retry=st.booleans())
    def operator(self, data: st.DataObject, retry: bool) -> None:
        if not self.mine:
            return
        message_id = data.draw(st.sampled_from(sorted(self.mine)))
        outbox = self.holders.fleet.outbox
        try:
            self.run(outbox.retry(message_id) if retry else outbox.cancel(message_id))
            if retry:
                self.retried.add(message_id)
        except OutboxStateError as refused:
            assert retry or refused.state not in {"queued", "retry_wait", "held", "unknown"}

    @invariant()
    def invariants(self) -> None:
        messages = self._messages()
        in_flight: dict[str, int] = {}
        for message in messages.values():
            if message.random_id is not None:
                assert self.random_ids.setdefault(message.id, message.random_id) == message.random_id
                assert self.pinned.setdefault(message.id, message.account_id or -1) == message.account_id
            else:
                assert message.id not in self.random_ids  # once written, never cleared
            if message.state in IN_FLIGHT:
                chat = self._chat(message)
                assert chat not in in_flight, f"two in flight in {chat}: {in_flight[chat]} and {message.id}"
                in_flight[chat] = message.id
                earlier = [m for m in messages.values() if self._chat(m) == chat and m.id < message.id]
                assert all(m.state in CLOSED or m.id in self.retried for m in earlier), "a later one went ahead"
            if message.state not in (OutboxState.QUEUED, OutboxState.CANCELLED) and message.epoch is not None:
                assert message.epoch >= 1

    @staticmethod
    def _chat(message: OutboxMessage) -> str:
        sender = f"account:{message.account_id}" if message.pool is None else f"pool:{message.pool}"
        return f"{sender}:{message.peer}"


async def test_outbox_transitions_keep_the_invariants(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        worker = await fleet.workers.register(10, host="h", pid=1)
        await _drive(fleet, worker, itertools.count())


async def _drive(fleet: Fleet, worker: Worker, tags: Any) -> None:
    """Hypothesis runs synchronously: run it in a thread, each command's coroutine back on this loop."""
    loop = asyncio.get_running_loop()

    def run(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    def factory() -> OutboxMachine:
        tag = f"t{next(tags)}-"
        ids = [run(fleet.accounts.import_session(pyrogram_string(user_id=9_000_000_000 + 10 * n + i),
                                                 label=f"{tag}{i}", pool=tag)).id
               for n in [int(tag[1:-1])] for i in range(2)]  # fmt: skip

        class Machine(OutboxMachine):
            pass

        Machine.run = staticmethod(run)  # type: ignore[assignment]
        Machine.holders = Holders(fleet, worker, ids)
        Machine.tag = tag
        return Machine()

    config = settings(max_examples=20, stateful_step_count=30, deadline=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
    await asyncio.to_thread(run_state_machine_as_test, factory, settings=config)


async def test_a_message_past_its_deadline_is_never_begun_and_expires(store_url: str) -> None:
    """Begun only before its deadline (also between two sweeps of the holder); then ``expired``, with no attempt, and
    the chat goes on with the next message."""
    async with Fleet.open(store_url) as fleet:
        worker = await fleet.workers.register(1, host="h", pid=1)
        [account_id] = await populate(fleet, 1)
        lease = await fleet.leases.acquire_account(account_id, worker)
        holder = fleet.outbox.holder(await fleet.accounts.get(account_id), lease.epoch, worker.id)
        assert await holder.step(None, choose=lambda chat, peer: True, random_id=1) is None  # swept: nothing due
        late = await fleet.outbox.send(peer="@alice", text="too late", account="acct0", deadline=time.time() - 1)
        then = await fleet.outbox.send(peer="@alice", text="next", account="acct0")
        assert await holder.step(None, choose=lambda chat, peer: True, random_id=2) is None  # before the next sweep

        async def begun() -> OutboxMessage | None:
            step = await holder.step(None, choose=lambda chat, peer: True, random_id=3)
            return None if step is None else step[0]

        assert (await until(begun)).id == then.id
        assert (await fleet.outbox.get(late.id)).state is OutboxState.EXPIRED
        assert await fleet.outbox.attempts(late.id) == []
