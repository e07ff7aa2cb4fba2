"""Pool sends against the sandbox, on both engines: a message to a peer an account of the pool already talks to goes
from that account (whatever its load); any other goes to the least-loaded healthy account."""

from __future__ import annotations

import time

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.sandbox import Sandbox

from .helpers import until
from .test_outbox_worker import SETTINGS, recipient, state_of, worker_running
from .workers import TIMEOUT, seed

NEW_PEERS = 6


async def test_pool_messages_go_to_the_account_that_talks_to_the_peer_else_the_least_loaded(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        talker, busy, idle = await seed(tg, fleet, 3)
        bob_id, bob = recipient(tg)
        async with worker_running(fleet, tg):
            first = await fleet.outbox.send(peer=bob, text="hello bob", account=talker.label)
            await until(lambda: state_of(fleet, first.id, OutboxState.SENT), timeout=TIMEOUT)
            # open messages that stay queued: loads 3, 2, 0 (the idle one's is at most 1, one in flight at a time)
            later = time.time() + 3600
            for account, count in ((talker, 3), (busy, 2)):
                for _ in range(count):
                    await fleet.outbox.send(peer=recipient(tg)[1], text="later", account=account.label,
                                            not_before=later)  # fmt: skip
            to_bob = await fleet.outbox.send(peer=bob.upper(), text="again, from the pool", pool="default")
            others = [await fleet.outbox.send(peer=recipient(tg)[1], text=f"new {i}", pool="default")
                      for i in range(NEW_PEERS)]  # fmt: skip
            for message in [to_bob, *others]:
                await until(lambda m=message: state_of(fleet, m.id, OutboxState.SENT), timeout=TIMEOUT)
        assert (await fleet.outbox.get(to_bob.id)).account_id == talker.account_id  # sticky, though the busiest
        assert [(await fleet.outbox.get(m.id)).account_id for m in others] == [idle.account_id] * NEW_PEERS
        assert [m.text for m in tg.messages_of(bob_id)] == ["hello bob", "again, from the pool"]


async def test_an_account_of_another_pool_that_talks_to_the_peer_does_not_hold_back_the_pool(store_url: str) -> None:
    """Only the pool's own accounts keep a peer: an account of another pool that sent the peer a message on its own
    leaves the pool's message to its least-loaded account (it would otherwise wait for a sender that may not take
    it)."""
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [outsider] = await seed(tg, fleet, 1, prefix="other", pool="other")
        [member] = await seed(tg, fleet, 1, prefix="member")
        bob_id, bob = recipient(tg)
        async with worker_running(fleet, tg):
            first = await fleet.outbox.send(peer=bob, text="from the other pool", account=outsider.label)
            await until(lambda: state_of(fleet, first.id, OutboxState.SENT), timeout=TIMEOUT)
            to_bob = await fleet.outbox.send(peer=bob, text="from the default pool", pool="default")
            await until(lambda: state_of(fleet, to_bob.id, OutboxState.SENT), timeout=15.0)
        assert (await fleet.outbox.get(to_bob.id)).account_id == member.account_id
        assert [m.text for m in tg.messages_of(bob_id)] == ["from the other pool", "from the default pool"]
