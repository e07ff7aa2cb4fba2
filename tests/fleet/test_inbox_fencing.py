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


async def test_a_channel_post_is_stored_with_the_channel_s_pts_and_record(store_url: str) -> None:
    """A holder that dies right after storing a supergroup's post (before its session's own flush) leaves its
    successor the channel's pts and access hash in the same write, so the successor asks getChannelDifference from
    there instead of starting blind (``test_inbox_processes.py`` shows the whole way through kills)."""
    channel = t.Channel(id=4_000_000_001, title="Busy", access_hash=-77, megagroup=True, date=1_700_000_000,
                        photo=t.ChatPhotoEmpty())  # fmt: skip
    post = t.Message(id=9, peer_id=t.PeerChannel(channel_id=channel.id), from_id=t.PeerUser(user_id=ALICE),
                     date=1_700_000_000, message="a post")  # fmt: skip
    delivery = Delivery([t.UpdateNewChannelMessage(message=post, pts=31, pts_count=1)], [], [channel], self_id=1,
                        channels={channel.id: 31})  # fmt: skip
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        account = await fleet.accounts.get(account_id)
        worker = await fleet.workers.register(10, host="h", pid=1)
        lease = await fleet.leases.acquire_account(account_id, worker)
        await fleet.inbox.holder(account, lease.epoch, worker.id).record(delivery)
        await fleet.leases.release(worker, [lease])
        successor = await fleet.leases.acquire_account(account_id, worker)
        snapshot = await fleet.sessions.load(successor)
        assert snapshot.channel_pts == {channel.id: 31}
        [record] = [p for p in snapshot.peers if p.id == -1_000_000_000_000 - channel.id]
        assert (record.access_hash, record.type.value) == (-77, "supergroup")
        [stored] = await fleet.inbox.list()
        assert (stored.chat_id, stored.text) == (-1_000_000_000_000 - channel.id, "a post")
