"""Crashes at the worst moments with worker processes, on both engines (issue 13; the moments inside one worker,
between the ``sending`` commit and the call and after the call, are in ``test_outbox_worker.py``):

- **during a flood wait**: worker A's send gets FLOOD_WAIT, A is killed (``kill -9``) while worker B is up; B takes
  the account over and sends the message once, not before the ledger's end, nor another message of the account
  queued meanwhile (which only the ledger holds back);
- **during a hand-over**: A's call reaches the sandbox but its answer is held back (the DC frozen), A is stopped
  (SIGSTOP) past its lease, B takes the account over and resends with the same random_id (the sandbox answers with
  the message it already has), then A is resumed: it fences itself, and its late answer changes nothing.

Each ends with exactly one delivery, and the attempt history shows both epochs and both workers.
"""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.sandbox import Sandbox
from tgfleet.tl.functions import messages as f_messages

from .helpers import until
from .outbox_chaos import OUTBOX_WORKER, SETTINGS, TTL
from .test_outbox_worker import recipient, state_of
from .workers import TIMEOUT, Seeded, WorkerProcess, seed, stop_outside_a_transaction, write_info

WAIT = 8  # seconds: longer than a takeover (TTL + grace + a connect), so B meets the wait still running


@dataclass
class Pair:
    tg: Sandbox
    fleet: Fleet
    account: Seeded
    a: WorkerProcess  # holds the account
    b: WorkerProcess  # up, holding nothing (the one account is A's share)
    store_url: str


@asynccontextmanager
async def two_workers(store_url: str, tmp_path: Path) -> AsyncIterator[Pair]:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        info = write_info(tg, tmp_path / "sandbox.json")
        workers: list[WorkerProcess] = []
        try:
            for _ in range(2):
                workers.append(await WorkerProcess.script(OUTBOX_WORKER, store_url, str(info), str(TTL)))
                await workers[-1].started()
                if len(workers) == 1:
                    await workers[0].events.until(lambda: account.label in workers[0].events.connected())
            yield Pair(tg, fleet, account, *workers, store_url)
        finally:
            for w in workers:
                w.signal(signal.SIGCONT)
                await w.close()
        assert tg.key_use.overlaps() == []


async def test_a_holder_killed_during_a_flood_wait_is_followed_by_one_that_waits_it_out(
    store_url: str, tmp_path: Path
) -> None:
    async with two_workers(store_url, tmp_path) as p:
        bob_id, bob = recipient(p.tg)
        p.tg.force_flood(f_messages.SendMessage, WAIT, times=1, user_id=p.account.user_id)
        message = await p.fleet.outbox.send(peer=bob, text="after the wait", account=p.account.label)
        waiting = await until(lambda: state_of(p.fleet, message.id, OutboxState.RETRY_WAIT), timeout=TIMEOUT)
        [wait] = await p.fleet.floods.active(time.time())
        p.a.signal(signal.SIGKILL)
        later = await p.fleet.outbox.send(
            peer=recipient(p.tg)[1], text="queued during the wait", account=p.account.label
        )
        sent = await until(lambda: state_of(p.fleet, message.id, OutboxState.SENT), timeout=TIMEOUT + WAIT)
        await until(lambda: state_of(p.fleet, later.id, OutboxState.SENT), timeout=TIMEOUT)
        [after] = await p.fleet.outbox.attempts(later.id)
        assert after.at >= wait.wait.until  # the ledger alone held it: B read A's wait
        flooded, resent = await p.fleet.outbox.attempts(message.id)
        assert p.account.label in p.b.events.connected()  # B sent it
        assert (flooded.outcome, flooded.worker) == ("retry_wait", p.a.id)
        assert (resent.outcome, resent.worker) == ("sent", p.b.id) and resent.epoch > flooded.epoch
        assert wait.wait.until == waiting.not_before and resent.at >= wait.wait.until  # the wait kept
        assert resent.random_id == flooded.random_id == sent.random_id
        assert [m.text for m in p.tg.messages_of(bob_id) if not m.out] == ["after the wait"]


async def test_a_hand_over_during_the_call_delivers_once_and_the_resumed_holder_changes_nothing(
    store_url: str, tmp_path: Path
) -> None:
    async with two_workers(store_url, tmp_path) as p:
        bob_id, bob = recipient(p.tg)
        known = await p.fleet.outbox.send(peer=bob, text="first", account=p.account.label)  # A resolves bob
        await until(lambda: state_of(p.fleet, known.id, OutboxState.SENT), timeout=TIMEOUT)
        p.tg.freeze(2)  # the next call is handled, its answer held back
        message = await p.fleet.outbox.send(peer=bob, text="handed over", account=p.account.label)
        await until(lambda: _arrived(p.tg, bob_id, "handed over"), timeout=TIMEOUT)
        await stop_outside_a_transaction(p.a, p.store_url)
        p.tg.thaw(2)  # the answer goes to A's socket; A reads it only once resumed
        sent = await until(lambda: state_of(p.fleet, message.id, OutboxState.SENT), timeout=TIMEOUT)
        p.a.signal(signal.SIGCONT)
        await p.a.events.until(lambda: p.a.events.of("fenced", p.account.label), what="A fenced itself")
        first, second = await p.fleet.outbox.attempts(message.id)
        assert (first.outcome, first.worker) == ("unknown", p.a.id)  # B's claim found A's call unfinished
        assert (second.outcome, second.worker) == ("sent", p.b.id) and second.epoch > first.epoch
        assert first.random_id == second.random_id == sent.random_id
        [copy] = [m for m in p.tg.messages_of(p.account.user_id, bob_id) if m.out and m.text == "handed over"]
        assert (copy.id, copy.random_id) == (sent.tg_message_id, sent.random_id)
        assert [m.text for m in p.tg.messages_of(bob_id) if not m.out] == ["first", "handed over"]
        assert await p.fleet.outbox.get(message.id) == sent  # A's late answer wrote nothing


async def _arrived(tg: Sandbox, user_id: int, text: str) -> bool | None:
    return True if any(m.text == text for m in tg.messages_of(user_id)) else None
