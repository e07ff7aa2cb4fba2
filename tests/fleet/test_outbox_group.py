"""The group commit of holders' steps (``HolderOutbox.step`` with a shared ``step_group``), on both engines: the
steps ready at once go into one transaction; a holder whose fence is refused gets its StaleEpoch and writes nothing,
and the others' steps in that transaction still commit; a pool's message is begun by one holder of the group only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from tgfleet.fleet import Fleet, StaleEpoch
from tgfleet.fleet.outbox_holder import HolderOutbox, Outcome
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.fleet.store import Tx

from .helpers import count_writes, populate, pyrogram_string, until


def anything(chat: str, peer: str) -> bool:
    return True


async def holders(fleet: Fleet, labels: list[str]) -> tuple[list[HolderOutbox], Callable[[int], Awaitable[None]]]:
    """A holder for each account, all sharing one group commit (as a worker's senders do); and a way to make the
    holder of one of them (by index) stale: its lease released and granted again, at a newer epoch."""
    worker = await fleet.workers.register(1, host="h", pid=1)
    group = fleet.outbox.step_group()
    out, leases = [], []
    for label in labels:
        account = await fleet.accounts.get(label)
        leases.append(await fleet.leases.acquire_account(account.id, worker))
        out.append(fleet.outbox.holder(account, leases[-1].epoch, worker.id, group=group))

    async def make_stale(i: int) -> None:
        await fleet.leases.release(worker, [leases[i]])
        await fleet.leases.acquire_account(out[i].account_id, worker)

    return out, make_stale


async def test_a_refused_fence_fails_its_own_step_and_the_others_commit_in_the_same_transaction(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 3)
        three, make_stale = await holders(fleet, ["acct0", "acct1", "acct2"])
        first = [await fleet.outbox.send(peer="@alice", text=f"first {i}", account=f"acct{i}") for i in range(3)]
        then = [await fleet.outbox.send(peer="@alice", text=f"then {i}", account=f"acct{i}") for i in range(3)]
        begun = [await holder.step(None, choose=anything, random_id=100 + i) for i, holder in enumerate(three)]
        ended = [(b[0].id, b[1], Outcome(OutboxState.SENT, tg_message_id=7)) for b in begun if b is not None]
        assert [message_id for message_id, _, _ in ended] == [m.id for m in first]
        await make_stale(1)
        writes = count_writes(fleet.store, monkeypatch)
        results = await asyncio.gather(
            *(
                holder.step(e, choose=anything, random_id=200 + i)
                for i, (holder, e) in enumerate(zip(three, ended, strict=True))
            ),
            return_exceptions=True,
        )
        assert writes == [1]  # the three steps: one transaction
        assert isinstance(results[1], StaleEpoch)
        for i in (0, 2):
            result = results[i]
            assert not isinstance(result, BaseException) and result is not None
            assert (result[0].id, result[0].random_id, result[0].state) == (then[i].id, 200 + i, OutboxState.SENDING)
            assert (await fleet.outbox.get(first[i].id)).state is OutboxState.SENT
        assert (await fleet.outbox.get(first[1].id)).state is OutboxState.SENDING  # the stale holder wrote nothing
        assert (await fleet.outbox.get(then[1].id)).random_id is None


async def test_a_pool_message_is_begun_by_one_holder_of_the_group_and_the_next_of_its_chat_waits(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both holders of a pool see its message as their due head; one transaction begins it once, and the chat's
    next message waits for it (one in flight per chat)."""
    async with Fleet.open(store_url) as fleet:
        for i in range(2):
            await fleet.accounts.import_session(pyrogram_string(user_id=8_100_000_000 + i), label=f"p{i}", pool="p")
        two, _ = await holders(fleet, ["p0", "p1"])
        first = await fleet.outbox.send(peer="@alice", text="first", pool="p")
        await fleet.outbox.send(peer="@alice", text="second", pool="p")
        writes = count_writes(fleet.store, monkeypatch)
        results = await asyncio.gather(*(holder.step(None, choose=anything, random_id=300 + i)
                                         for i, holder in enumerate(two)))  # fmt: skip
        assert writes == [1]
        begun = [result for result in results if result is not None]
        assert [message.id for message, _ in begun] == [first.id]
        assert [m.state for m in await fleet.outbox.list(state=OutboxState.SENDING)] == [OutboxState.SENDING]


async def test_a_step_whose_caller_left_during_its_transaction_leaves_its_message_unknown_not_sending(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender is stopped while the group's transaction that begins its message runs: nobody will call, so the
    message goes to ``unknown`` (to go again with the same random_id), never left ``sending`` by a live holder."""
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        [holder], _ = await holders(fleet, ["acct0"])
        message = await fleet.outbox.send(peer="@alice", text="left", account="acct0")
        inside, go_on = asyncio.Event(), asyncio.Event()
        transaction: Callable[..., AbstractAsyncContextManager[Tx]] = fleet.store.transaction

        @asynccontextmanager
        async def held(*, readonly: bool = False) -> AsyncIterator[Tx]:
            async with transaction(readonly=readonly) as tx:
                yield tx
                if not readonly and not go_on.is_set():
                    inside.set()  # the step's statements ran; its commit waits
                    await go_on.wait()

        monkeypatch.setattr(fleet.store, "transaction", held)
        step = asyncio.create_task(holder.step(None, choose=anything, random_id=77))
        await asyncio.wait_for(inside.wait(), 30)
        step.cancel()
        go_on.set()
        with pytest.raises(asyncio.CancelledError):
            await step

        async def settled() -> OutboxState | None:
            state = (await fleet.outbox.get(message.id)).state
            return None if state is OutboxState.SENDING else state

        assert await until(settled) is OutboxState.UNKNOWN
        assert (await fleet.outbox.get(message.id)).random_id == 77
