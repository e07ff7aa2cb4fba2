"""``HolderOutbox.has_work``, the read a worker's sender makes after a hint (``sender_wake``), on both engines: it says
whether a step would find anything: the account's own due messages, and its pool's unassigned ones only while no
other held, healthy account of the pool has fewer open messages (the least loaded takes them)."""

from __future__ import annotations

import time

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_holder import HolderOutbox

from .helpers import populate


async def held(fleet: Fleet, labels: list[str]) -> list[HolderOutbox]:
    worker = await fleet.workers.register(1, host="h", pid=1)
    out = []
    for label in labels:
        account = await fleet.accounts.get(label)
        lease = await fleet.leases.acquire_account(account.id, worker)
        out.append(fleet.outbox.holder(account, lease.epoch, worker.id))
    return out


async def test_has_work_sees_own_due_messages_and_the_pools_only_for_the_least_loaded(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        busy, idle = await held(fleet, ["acct0", "acct1"])
        assert not await busy.has_work() and not await idle.has_work()
        later = await fleet.outbox.send(peer="@a", text="later", account="acct0", not_before=time.time() + 3600)
        assert not await busy.has_work()  # open, not due
        await fleet.outbox.send(peer="@b", text="to the pool", pool="default")
        assert not await busy.has_work()  # acct1 has fewer open messages: the pool's message is its
        assert await idle.has_work() and not await idle.has_work(take_pool=False)
        await fleet.outbox.cancel(later.id)
        assert await busy.has_work()  # as few as acct1 now
        await fleet.outbox.send(peer="@a", text="now", account="acct0")
        assert await busy.has_work(take_pool=False)
