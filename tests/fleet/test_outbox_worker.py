"""The worker sends the outbox against the sandbox, on both engines: exactly one delivery when its holder dies between
the ``sending`` commit and the call, or after the call before the ``sent`` commit (the next holder resends with the
pinned random_id on the same account); a FLOOD_WAIT puts the message in ``retry_wait`` until the wait's end and it is
sent after it; what no notice announced (a ``not_before`` that passed, a message another process queued on SQLite)
the worker's sweep finds."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.outbox_sender import SendHooks
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.tl.functions import messages as f_messages

from .helpers import until
from .workers import TIMEOUT, Events, seed

SETTINGS = LeaseSettings(ttl=2.0, renew_interval=0.5, grace=0.5)
FAST = SendPolicy(interval=0.0, chat_interval=0.0, warmup_days=0.0)  # no pacing, no warm-up
_names = itertools.count()


@asynccontextmanager
async def worker_running(
    fleet: Fleet, tg: Sandbox, hooks: SendHooks | None = None, *, policy: SendPolicy = FAST, poll_interval: float = 0.2
) -> AsyncIterator[Worker]:
    events = Events()
    worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, on_event=events.add,
                    pacer=Pacer(8, 0.05), client_options={"timeout": 10.0}, send_policy=policy, send_hooks=hooks,
                    poll_interval=poll_interval)  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        if not worker.stopped_at_once:
            worker.drain()
        await within(asyncio.gather(task, return_exceptions=True), TIMEOUT)


async def state_of(fleet: Fleet, message_id: int, state: OutboxState) -> OutboxMessage | None:
    message = await fleet.outbox.get(message_id)
    return message if message.state is state else None


def recipient(tg: Sandbox) -> tuple[int, str]:
    name = f"bob_outbox{next(_names)}"
    bob = tg.add_user(phone=f"+1557{next(_names):07d}", first_name="Bob", username=name, dc=2)
    return bob.id, f"@{name}"


async def crash_at(store_url: str, point: str) -> None:
    """The first holder dies at ``point`` (stopped at once: it writes nothing more, its lease expires); the second
    takes the account over and finishes the send."""
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        bob_id, bob = recipient(tg)
        reached = asyncio.Event()

        async def die(message: OutboxMessage) -> None:
            reached.set()
            await asyncio.Event().wait()  # until stop_now() cancels it

        message = await fleet.outbox.send(peer=bob, text="exactly once", account=account.label, idempotency_key="k")
        async with worker_running(fleet, tg, SendHooks(**{point: die})) as first:
            await within(reached.wait(), TIMEOUT)
            first.stop_now()
        left = await fleet.outbox.get(message.id)
        assert left.state is OutboxState.SENDING and left.random_id is not None  # pinned before the call
        async with worker_running(fleet, tg):
            sent = await until(lambda: state_of(fleet, message.id, OutboxState.SENT), timeout=TIMEOUT)
        history = [m for m in tg.messages_of(bob_id) if m.sender_id == account.user_id]
        assert [m.text for m in history] == ["exactly once"]
        assert sent.random_id == left.random_id and sent.account_id == account.account_id
        [mine] = [m for m in tg.messages_of(account.user_id) if m.out]
        assert sent.tg_message_id == mine.id
        attempts = await fleet.outbox.attempts(message.id)
        assert [a.outcome for a in attempts] == ["unknown", "sent"]
        assert attempts[0].epoch < attempts[1].epoch and {a.random_id for a in attempts} == {left.random_id}


async def test_a_holder_dead_after_the_sending_commit_before_the_call_delivers_once(store_url: str) -> None:
    await crash_at(store_url, "after_begin")


async def test_a_holder_dead_after_the_call_before_the_sent_commit_delivers_once(store_url: str) -> None:
    await crash_at(store_url, "after_call")


async def test_a_flood_wait_is_waited_out_in_retry_wait_then_sent(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        bob_id, bob = recipient(tg)
        async with worker_running(fleet, tg):
            await until(lambda: _connected(fleet, account.label), timeout=TIMEOUT)
            tg.force_flood(f_messages.SendMessage, 2, times=1)
            message = await fleet.outbox.send(peer=bob, text="after the wait", account=account.label)
            waiting = await until(lambda: state_of(fleet, message.id, OutboxState.RETRY_WAIT), timeout=TIMEOUT)
            [flooded] = await fleet.outbox.attempts(message.id)
            assert waiting.error is not None and waiting.error.name == "FLOOD_WAIT_2"
            assert waiting.not_before is not None and waiting.not_before >= flooded.at + 2 - 0.01
            sent = await until(lambda: state_of(fleet, message.id, OutboxState.SENT), timeout=TIMEOUT)
        first, second = await fleet.outbox.attempts(message.id)
        assert second.at >= waiting.not_before and second.random_id == first.random_id
        assert sent.tg_message_id is not None
        assert [m.text for m in tg.messages_of(bob_id) if m.sender_id == account.user_id] == ["after the wait"]


async def test_the_sweep_finds_what_no_notice_announced(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        (bob_id, bob), (carol_id, carol) = recipient(tg), recipient(tg)
        async with worker_running(fleet, tg):
            await until(lambda: _connected(fleet, account.label), timeout=TIMEOUT)
            later = await fleet.outbox.send(peer=bob, text="later", account=account.label, not_before=time.time() + 1)
            async with Fleet.open(store_url, settings=SETTINGS) as other:  # on SQLite its send signals no one here
                elsewhere = await other.outbox.send(peer=carol, text="from elsewhere", account=account.label)
            for message in (later, elsewhere):
                await until(partial(state_of, fleet, message.id, OutboxState.SENT), timeout=TIMEOUT)
        [attempt] = await fleet.outbox.attempts(later.id)
        assert later.not_before is not None and attempt.at >= later.not_before
        assert [m.text for m in tg.messages_of(bob_id) if m.sender_id == account.user_id] == ["later"]
        assert [m.text for m in tg.messages_of(carol_id) if m.sender_id == account.user_id] == ["from elsewhere"]


async def test_a_chat_kept_back_by_its_bucket_goes_when_the_bucket_lets_it_with_no_wake_up(store_url: str) -> None:
    """The sender's own timer: no sweep comes (every 5,000 s here), no notice after the sends, yet the chat's second
    message goes once its bucket refilled."""
    paced = SendPolicy(interval=0.0, chat_interval=0.5, chat_burst=1, warmup_days=0.0)
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        bob_id, bob = recipient(tg)
        async with worker_running(fleet, tg, policy=paced, poll_interval=1000.0):
            await until(lambda: _connected(fleet, account.label), timeout=TIMEOUT)
            sent = [await fleet.outbox.send(peer=bob, text=text, account=account.label) for text in ("one", "two")]
            for message in sent:
                await until(partial(state_of, fleet, message.id, OutboxState.SENT), timeout=TIMEOUT)
        firsts = [(await fleet.outbox.attempts(message.id))[0].at for message in sent]
        assert firsts[1] - firsts[0] >= 0.5 - 0.05  # the bucket held the second back
        assert [m.text for m in tg.messages_of(bob_id) if m.sender_id == account.user_id] == ["one", "two"]


async def _connected(fleet: Fleet, label: str) -> bool | None:
    account = await fleet.accounts.get(label)
    return True if account.holder is not None and account.state.value == "active" else None
