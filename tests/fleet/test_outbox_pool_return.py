"""A pool message claimed by a holder that then died, on both engines: once nobody holds that account (its lease ran
out), the message goes back to the pool and another account of the pool sends it (no random_id was written, so
nothing of it can have reached Telegram); a message the dead holder had begun (``sending``, its random_id written)
stays pinned to the dead holder's account for good."""

from __future__ import annotations

import pytest

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_holder import HolderOutbox
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.records import Lease

from .helpers import SHORT, populate, until


async def test_a_pool_message_claimed_by_a_dead_holder_returns_to_the_pool_once_its_lease_ran_out(
    store_url: str,
) -> None:
    async with Fleet.open(store_url, settings=SHORT) as fleet:
        worker = await fleet.workers.register(10, host="h", pid=1)
        dead_id, live_id = await populate(fleet, 2)
        holders: dict[int, HolderOutbox] = {}

        async def hold(account_id: int) -> Lease:
            lease = await fleet.leases.acquire_account(account_id, worker)
            holders[account_id] = fleet.outbox.holder(await fleet.accounts.get(account_id), lease.epoch, worker.id)
            return lease

        await hold(dead_id)
        begun = await fleet.outbox.send(peer="@bob", text="begun", pool="default")
        [claimed] = await holders[dead_id].claim()
        await holders[dead_id].begin(claimed, random_id=1234)  # sending, pinned: it stays on its account
        message = await fleet.outbox.send(peer="@alice", text="claimed, not begun", pool="default")
        [claimed] = await holders[dead_id].claim()
        assert claimed.id == message.id and claimed.account_id == dead_id
        live_lease = await hold(live_id)
        assert await holders[live_id].claim() == []  # its holder's lease is live: it keeps the message

        async def taken() -> list[OutboxMessage] | None:
            await fleet.leases.renew(worker, [live_lease])  # the live account's holder renews; the dead one not
            return await holders[live_id].claim() or None

        [moved] = await until(taken, timeout=20.0)
        assert moved.id == message.id and moved.account_id == live_id and moved.state is OutboxState.CLAIMED
        with pytest.raises(LookupError):  # the dead holder, had it only been stopped, can no longer begin it
            await holders[dead_id].begin(claimed, random_id=5678)
        pinned = await fleet.outbox.get(begun.id)
        assert pinned.account_id == dead_id and pinned.random_id == 1234 and pinned.state is OutboxState.SENDING
