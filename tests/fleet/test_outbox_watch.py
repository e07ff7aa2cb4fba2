"""``OutboxWatch``, the one read a worker makes for all its idle senders (``outbox_watch``), on both engines: a sweep
wakes the sender of a held account with a message due (and only it: not one whose message waits for its
``not_before``, not an account another worker holds), wakes it again only when what is due for it changed (or
every ``recheck`` sweeps), hints a pool's senders of an unassigned message or of one left claimed by an account
nobody holds, and wakes a sender whose held message's deadline passed (its step expires it). A notice wakes the
senders it names."""

from __future__ import annotations

import time

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_holder import Outcome
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.fleet.outbox_watch import OutboxWatch
from tgfleet.fleet.records import Worker
from tgfleet.fleet.sender_wake import SenderWake

from .helpers import populate, pyrogram_string, until


async def woken(wake: SenderWake) -> str | None:
    """The wake-up waiting on ``wake`` (``set``, ``hint``), or None; it is used up."""
    return await wake.wait(0)


async def hold(fleet: Fleet, worker: Worker, labels: list[str], watch: OutboxWatch) -> dict[str, SenderWake]:
    wakes = {}
    for label in labels:
        account = await fleet.accounts.get(label)
        await fleet.leases.acquire_account(account.id, worker)
        wakes[label] = watch.watch(account.id, account.pool)
    return wakes


async def test_a_sweep_wakes_only_the_held_senders_with_due_messages_and_again_only_on_a_change(
    store_url: str,
) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 3)
        me, other = [await fleet.workers.register(5, host="h", pid=pid) for pid in (1, 2)]
        watch = fleet.outbox.watch(interval=60)
        wakes = await hold(fleet, me, ["acct0", "acct1"], watch)
        wakes |= await hold(fleet, other, ["acct2"], watch)  # watched here, held by another worker
        await watch.sweep(me.id)
        assert [await woken(w) for w in wakes.values()] == [None, None, None]  # nothing due anywhere

        await fleet.outbox.send(peer="@a", text="now", account="acct0")
        await fleet.outbox.send(peer="@b", text="later", account="acct1", not_before=time.time() + 3600)
        await fleet.outbox.send(peer="@c", text="not mine", account="acct2")
        await watch.sweep(me.id)
        assert [await woken(w) for w in wakes.values()] == ["set", None, None]

        await watch.sweep(me.id)  # the same message still due (say its chat is in slow mode): no wake-up again
        assert await woken(wakes["acct0"]) is None
        await fleet.outbox.send(peer="@d", text="another", account="acct0")
        await watch.sweep(me.id)
        assert await woken(wakes["acct0"]) == "set"


async def test_every_recheck_sweeps_a_sender_with_due_messages_is_woken_even_without_a_change(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        me = await fleet.workers.register(5, host="h", pid=1)
        watch = OutboxWatch(fleet.store, interval=60, recheck=3)
        wake = (await hold(fleet, me, ["acct0"], watch))["acct0"]
        await fleet.outbox.send(peer="@a", text="now", account="acct0")
        seen = []
        for _ in range(6):
            await watch.sweep(me.id)
            seen.append(await woken(wake))
        assert seen == ["set", None, "set", None, None, "set"]


async def test_a_pools_unassigned_message_hints_its_senders_only(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        await fleet.accounts.import_session(pyrogram_string(user_id=8_100_000_000), label="acct1", pool="elsewhere")
        me = await fleet.workers.register(5, host="h", pid=1)
        watch = fleet.outbox.watch(interval=60)
        wakes = await hold(fleet, me, ["acct0", "acct1"], watch)
        await fleet.outbox.send(peer="@a", text="to the pool", pool="default")
        await watch.sweep(me.id)
        assert await woken(wakes["acct0"]) == "hint" and await woken(wakes["acct1"]) is None


async def test_a_pool_message_left_claimed_by_an_account_nobody_holds_hints_the_pool(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        me, gone = [await fleet.workers.register(5, host="h", pid=pid) for pid in (1, 2)]
        watch = fleet.outbox.watch(interval=60)
        wake = (await hold(fleet, me, ["acct0"], watch))["acct0"]
        acct1 = await fleet.accounts.get("acct1")
        lease = await fleet.leases.acquire_account(acct1.id, gone)
        await fleet.outbox.send(peer="@a", text="to the pool", pool="default")
        assert len(await fleet.outbox.holder(acct1, lease.epoch, gone.id).claim()) == 1  # as earlier versions did
        await watch.sweep(me.id)
        assert await woken(wake) is None  # claimed by an account its worker holds: not the pool's
        await fleet.leases.release(gone, [lease])
        await watch.sweep(me.id)
        assert await woken(wake) == "hint"  # orphaned now: the pool's to take back


async def test_a_held_message_past_its_deadline_wakes_its_sender(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        me = await fleet.workers.register(5, host="h", pid=1)
        watch = fleet.outbox.watch(interval=60)
        account = await fleet.accounts.get("acct0")
        lease = await fleet.leases.acquire_account(account.id, me)
        wake = watch.watch(account.id, account.pool)
        message = await fleet.outbox.send(peer="@a", text="soon stale", account="acct0", deadline=time.time() + 1.0)
        holder = fleet.outbox.holder(account, lease.epoch, me.id)
        begun = await holder.step(None, choose=lambda chat, peer: True, random_id=7)
        assert begun is not None and begun[0].id == message.id
        await holder.finish(message.id, begun[1], Outcome(OutboxState.HELD))
        await watch.sweep(me.id)
        assert await woken(wake) is None  # held: nothing to send, and its deadline has not passed

        async def past() -> str | None:
            await watch.sweep(me.id)
            return await woken(wake)

        assert await until(past, timeout=10.0, every=0.1) == "set"


async def test_a_notice_wakes_the_senders_it_names(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        await fleet.accounts.import_session(pyrogram_string(user_id=8_100_000_000), label="acct1", pool="elsewhere")
        me = await fleet.workers.register(5, host="h", pid=1)
        watch = fleet.outbox.watch(interval=60)
        wakes = await hold(fleet, me, ["acct0", "acct1"], watch)
        acct1 = await fleet.accounts.get("acct1")
        watch.notice(f"account:{acct1.id}")
        assert [await woken(w) for w in wakes.values()] == [None, "set"]
        watch.notice("pool:default")
        assert [await woken(w) for w in wakes.values()] == ["set", None]
        watch.unwatch(acct1.id, wakes["acct1"])
        watch.notice("everyone")
        assert [await woken(w) for w in wakes.values()] == ["set", None]  # acct1's sender ended: not woken
