"""A sender started again under the same lease (the account runner restarts its job after an error, e.g. the store
failing the step that would have written an outcome), on both engines: what the sender before it left ``sending``
is recovered by the new one's first step (``unknown``, its attempt too) and sent again with its random_id, on its
account, instead of blocking its chat until the lease moves to another holder."""

from __future__ import annotations

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_records import OutboxState

from .helpers import populate


def anything(chat: str, peer: str) -> bool:
    return True


async def test_a_sender_restarted_under_the_same_epoch_resends_what_the_one_before_left_sending(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        account = await fleet.accounts.get("acct0")
        worker = await fleet.workers.register(1, host="h", pid=1)
        lease = await fleet.leases.acquire_account(account.id, worker)
        message = await fleet.outbox.send(peer="@alice", text="hello", account="acct0")
        first = fleet.outbox.holder(account, lease.epoch, worker.id)
        begun = await first.step(None, choose=anything, random_id=111)
        assert begun is not None and begun[0].id == message.id and begun[0].random_id == 111
        # the first sender ends here without writing the call's outcome; the next one, same lease:
        again = fleet.outbox.holder(account, lease.epoch, worker.id)
        resent = await again.step(None, choose=anything, random_id=222)
        assert resent is not None
        assert (resent[0].id, resent[0].random_id, resent[0].attempts) == (message.id, 111, 2)
        attempts = await fleet.outbox.attempts(message.id)
        assert [a.outcome for a in attempts] == ["unknown", "sending"]
        assert {a.epoch for a in attempts} == {lease.epoch} and {a.random_id for a in attempts} == {111}
        assert (await fleet.outbox.get(message.id)).state is OutboxState.SENDING
