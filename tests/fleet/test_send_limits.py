"""Limits against the sandbox, on both engines: a burst on one account is paced by the account's policy (its
``policy["sending"]`` over the worker's unpaced default) so that the sandbox, limiting messages at the policy's rate,
never answers FLOOD_WAIT; PEER_FLOOD holds the account's messages on it (nothing moves to another account) while a
healthy account of the pool sends on."""

from __future__ import annotations

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.server_limits import Limits, Rate
from tgfleet.tl.functions import messages as f_messages

from .helpers import until
from .test_outbox_worker import SETTINGS, recipient, worker_running
from .workers import TIMEOUT, seed

BURST = 30
POLICY = {"interval": 0.1, "burst": 2, "chat_interval": 0.0}
# the sandbox's bucket refills at the policy's rate; one token more of burst absorbs the time a call takes to reach it
SANDBOX_RATE = Rate(POLICY["burst"] + 1, per=(POLICY["burst"] + 1) * POLICY["interval"])


async def test_a_burst_is_paced_by_the_account_policy_with_no_flood_wait(store_url: str) -> None:
    limits = Limits(messages=SANDBOX_RATE, new_account_messages=SANDBOX_RATE)
    async with Sandbox(dcs=2, limits=limits) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1, policy={"sending": POLICY})
        peers = [recipient(tg) for _ in range(3)]
        ids = [(await fleet.outbox.send(peer=peers[i % 3][1], text=f"m{i}", account=account.label)).id
               for i in range(BURST)]  # fmt: skip

        async def drained() -> bool | None:
            states = {(await fleet.outbox.get(i)).state for i in ids}
            return True if states == {OutboxState.SENT} else None

        async with worker_running(fleet, tg):
            await until(drained, timeout=TIMEOUT)
        attempts = [a for i in ids for a in await fleet.outbox.attempts(i)]
        assert [a.outcome for a in attempts] == ["sent"] * BURST  # not one FLOOD_WAIT
        for user_id, _ in peers:
            texts = [m.text for m in tg.messages_of(user_id) if m.sender_id == account.user_id]
            assert texts == [f"m{i}" for i in range(BURST) if peers[i % 3][0] == user_id]


async def test_peer_flood_holds_the_account_messages_on_it(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        limited, healthy = await seed(tg, fleet, 2)
        tg.force_error(f_messages.SendMessage, 400, "PEER_FLOOD", times=100, user_id=limited.user_id)
        peers = [recipient(tg) for _ in range(2)]
        mine = [(await fleet.outbox.send(peer=p, text=f"held {p}", account=limited.label)).id for _, p in peers]
        theirs = [(await fleet.outbox.send(peer=p, text=f"sent {p}", account=healthy.label)).id for _, p in peers]
        async with worker_running(fleet, tg):
            held = await until(lambda: _state(fleet, mine[0], OutboxState.HELD), timeout=TIMEOUT)
            await until(lambda: _limited(fleet, limited.label), timeout=TIMEOUT)
            pooled = await fleet.outbox.send(peer=peers[0][1], text="to the pool", pool="default")
            for message_id in [*theirs, pooled.id]:
                await until(lambda i=message_id: _state(fleet, i, OutboxState.SENT), timeout=TIMEOUT)
            later = await fleet.outbox.get(mine[1])
        assert held.account_id == limited.account_id and held.error is not None and held.error.name == "PEER_FLOOD"
        assert later.account_id == limited.account_id and later.state in (OutboxState.HELD, OutboxState.QUEUED)
        assert (await fleet.outbox.get(pooled.id)).account_id == healthy.account_id
        for message_id in mine:
            assert {a.account_id for a in await fleet.outbox.attempts(message_id)} <= {limited.account_id}
        for user_id, _ in peers:
            assert not [m for m in tg.messages_of(user_id) if m.sender_id == limited.user_id]


async def _state(fleet: Fleet, message_id: int, state: OutboxState):  # type: ignore[no-untyped-def]
    message = await fleet.outbox.get(message_id)
    return message if message.state is state else None


async def _limited(fleet: Fleet, label: str) -> bool | None:
    return True if (await fleet.accounts.get(label)).state.value == "limited" else None
