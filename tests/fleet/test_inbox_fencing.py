"""The inbox's writes are fenced, on both engines: once a newer lease took the account, the old holder's store of
incoming messages and its handler markers are refused (StaleEpoch), change nothing, and each refusal is counted in
``fleet.counters.fence_refusals`` (as the outbox's are, ``test_outbox.py``)."""

from __future__ import annotations

import pytest

from tgfleet.client.updates.delivery import Delivery
from tgfleet.fleet import Fleet, StaleEpoch
from tgfleet.tl import types as t

from .helpers import populate

ALICE = 7_100_000_001


def incoming(message_id: int, text: str) -> Delivery:
    message = t.Message(id=message_id, peer_id=t.PeerUser(user_id=ALICE), from_id=t.PeerUser(user_id=ALICE),
                        date=1_700_000_000, message=text)  # fmt: skip
    return Delivery([t.UpdateNewMessage(message=message, pts=message_id, pts_count=1)], [], [], self_id=1)


async def test_a_stale_inbox_holder_s_writes_are_refused_and_counted(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        account = await fleet.accounts.get(account_id)
        worker = await fleet.workers.register(10, host="h", pid=1)
        old_lease = await fleet.leases.acquire_account(account_id, worker)
        old = fleet.inbox.holder(account, old_lease.epoch, worker.id)
        await old.record(incoming(1, "before the hand-over"))
        await fleet.leases.release(worker, [old_lease])
        new_lease = await fleet.leases.acquire_account(account_id, worker)
        new = fleet.inbox.holder(account, new_lease.epoch, worker.id)
        refusals = fleet.counters.fence_refusals

        with pytest.raises(StaleEpoch):
            await old.record(incoming(2, "to the old holder"))
        assert fleet.counters.fence_refusals == refusals + 1
        [pending] = await new.pending("recorder", after=0, limit=10)
        with pytest.raises(StaleEpoch):
            await old.mark(pending.id, "recorder", outcome="done", attempts=1)
        assert fleet.counters.fence_refusals == refusals + 2
        [stored] = await fleet.inbox.list()
        assert (stored.text, stored.handled) == ("before the hand-over", ())  # neither refused write landed

        await new.mark(pending.id, "recorder", outcome="done", attempts=1)  # the holder's own is taken
        assert [m.handled for m in await fleet.inbox.list()] == [("recorder",)]
        assert fleet.counters.fence_refusals == refusals + 2
