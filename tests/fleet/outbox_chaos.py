"""The outbox through crashes (issue 13, "Exactly once through crashes"): the scenario ``test_outbox_chaos.py`` runs
small and ``benchmarks/chaos.py --outbox`` runs at full size, the same code.

Two worker processes (``OUTBOX_WORKER``: a ``Worker`` sending the outbox, its pacing relaxed so the crashes, not the
policy, set the pace) over one store, a sandbox in this process, ``accounts`` accounts of one pool. ``messages``
messages to ``recipients`` recipients (about half to the pool, the rest pinned to a random account) are enqueued in
``kills + 1`` batches; after each batch, at a random moment, a random worker is killed (``kill -9``) and started
again, and about one kill in three falls while the other worker is stopped (SIGSTOP, outside a store transaction):
the killed one's successor takes the stopped one's accounts once their leases expire, then the stopped one is
resumed (SIGCONT) and must fence every account it held (its epoch is stale: it sends nothing more on them). Once the
outbox is drained, the checks (``verify``): every recipient's history in the sandbox holds every message exactly
once and nothing else; the messages of each outbox chat arrived in the order of ``send``; every message is ``sent``
with the Telegram id and the random_id its sender's box shows, from the account it is pinned to; no auth key was
ever used on two connections at once. Every random choice comes from ``random.Random(seed)``, and every failure
names the seed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import signal
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.server_limits import Limits

from .helpers import until
from .workers import TIMEOUT, Seeded, WorkerProcess, holders, seed, stop_outside_a_transaction, write_info

TTL = 2.0
SETTINGS = LeaseSettings(ttl=TTL, renew_interval=TTL / 3, grace=TTL / 3)
LATENCY = 0.05
"""Seconds the sandbox holds each answer back: a call takes long enough that kills often fall during one."""
OPEN = (OutboxState.QUEUED, OutboxState.CLAIMED, OutboxState.SENDING, OutboxState.RETRY_WAIT, OutboxState.UNKNOWN)

# A worker sending the outbox of the accounts it holds, its policy relaxed (no buckets, budgets far above the run).
# Events as JSON lines, SIGTERM drains. Arguments: store URL, sandbox info file, lease TTL.
OUTBOX_WORKER = """
import asyncio, dataclasses, json, signal, sys
from pathlib import Path
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.worker import Worker

store, info_path, ttl = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
RELAXED = SendPolicy(interval=0.0, chat_interval=0.0, daily_messages=1_000_000, daily_new_peers=10_000)

def emit(event):
    data = dataclasses.asdict(event)
    data["event"] = data.pop("kind")
    print(json.dumps(data, default=str), flush=True)

async def main():
    info = SandboxInfo.load(info_path)
    settings = LeaseSettings(ttl=ttl, renew_interval=ttl / 3, grace=ttl / 3)
    async with Fleet.open(store, create=False, settings=settings) as fleet:
        worker = Worker(fleet, network=info.network(), api_id=info.api_id, api_hash=info.api_hash, on_event=emit,
                        client_options={"timeout": 10.0}, send_policy=RELAXED, poll_interval=0.2,
                        pacer=Pacer(8, 0.05))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, worker.drain)
        await worker.run()

asyncio.run(main())
"""


@dataclass(frozen=True)
class Size:
    accounts: int
    messages: int
    recipients: int
    kills: int


SUITE = Size(accounts=4, messages=120, recipients=3, kills=6)
FULL = Size(accounts=20, messages=2000, recipients=10, kills=30)


@dataclass
class Report:
    """What a run did (``benchmarks/chaos.py --json`` prints it)."""

    seed: int
    size: Size
    kills: int = 0
    kills_while_stopped: int = 0
    fenced_on_resume: int = 0
    sent: int = 0
    attempts: int = 0
    resent: int = 0  # attempts after one that ended unknown (the same random_id again)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class _Run:
    tg: Sandbox
    fleet: Fleet
    store_url: str
    info: Path
    rng: random.Random
    report: Report
    workers: list[WorkerProcess] = dataclasses.field(default_factory=list)

    async def start(self) -> WorkerProcess:
        worker = await WorkerProcess.script(OUTBOX_WORKER, self.store_url, str(self.info), str(TTL))
        try:
            await worker.started()
        except AssertionError:
            await worker.close()
            raise AssertionError(f"a worker did not start: {(await worker.stderr())[-3000:]}") from None
        return worker

    async def restart(self, victim: int) -> None:
        self.workers[victim].signal(signal.SIGKILL)
        await self.workers[victim].close()
        self.workers[victim] = await self.start()
        self.report.kills += 1

    async def kill_while_other_stopped(self, victim: int) -> None:
        """Stop the other worker, kill ``victim`` and start it again; once the new one holds the stopped one's
        accounts (their leases expired), resume the stopped one: it fences each of them."""
        stopped = self.workers[1 - victim]
        await stop_outside_a_transaction(stopped, self.store_url)
        held = holders(await self.fleet.leases.list())
        old = {label for label, holder in held.items() if holder == stopped.id}
        fenced_before = len(stopped.events.of("fenced"))
        try:
            await self.restart(victim)
            fresh = self.workers[victim]

            async def taken_over() -> bool | None:
                now = holders(await self.fleet.leases.list())
                return (all(now[label] == fresh.id for label in old) and old <= set(fresh.events.connected())) or None

            await until(taken_over, timeout=TIMEOUT)
        finally:
            stopped.signal(signal.SIGCONT)
        await stopped.events.until(
            lambda: old <= {e["account"] for e in stopped.events.of("fenced")[fenced_before:]},
            what=f"the resumed worker fenced every account it held ({sorted(old)})",
        )
        self.report.kills_while_stopped += 1
        self.report.fenced_on_resume += len(old)


async def outbox_chaos(store_url: str, tmp_path: Path, size: Size, seed_value: int) -> Report:
    """Run the scenario (the module docstring); its report. AssertionError, naming the seed, if a check fails."""
    try:
        return await _outbox_chaos(store_url, tmp_path, size, seed_value)
    except AssertionError as failed:
        raise AssertionError(f"outbox chaos, seed {seed_value}, {size}: {failed}") from failed


async def _outbox_chaos(store_url: str, tmp_path: Path, size: Size, seed_value: int) -> Report:
    began = time.monotonic()
    rng = random.Random(seed_value)
    no_message_limit = dataclasses.replace(Limits(), messages=None)  # the sandbox's own pacing is not tested here
    async with Sandbox(dcs=2, limits=no_message_limit) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, size.accounts, prefix="chaos")
        peers = {}
        for r in range(size.recipients):
            user = tg.add_user(f"+1558{r:07d}", f"Recipient {r}", username=f"chaos_rcpt{r}", dc=2)
            peers[f"@chaos_rcpt{r}"] = user.id
        tg.set_latency(LATENCY)
        run = _Run(tg, fleet, store_url, write_info(tg, tmp_path / "sandbox.json"), rng, Report(seed_value, size))
        batches = [size.messages * i // (size.kills + 1) for i in range(size.kills + 2)]
        ids: list[int] = []
        run.workers = [await run.start(), await run.start()]
        try:
            for k in range(size.kills + 1):
                for i in range(batches[k], batches[k + 1]):
                    ids.append(await _enqueue(fleet, rng, accounts, list(peers), i))
                if k == size.kills:
                    break
                await asyncio.sleep(rng.uniform(0.05, 0.8))  # a random moment, the batch being sent
                victim = rng.randrange(2)
                if rng.random() < 1 / 3:
                    await run.kill_while_other_stopped(victim)
                else:
                    await run.restart(victim)
            await until(lambda: _drained(fleet), timeout=TIMEOUT + size.messages * 0.1, every=0.2)
        finally:
            for w in run.workers:
                w.signal(signal.SIGCONT)
                await w.close()
        await verify(tg, fleet, accounts, peers, ids, run.report)
    run.report.seconds = time.monotonic() - began
    return run.report


async def _enqueue(fleet: Fleet, rng: random.Random, accounts: list[Seeded], peers: list[str], i: int) -> int:
    peer = rng.choice(peers)
    target = {"pool": "default"} if rng.random() < 0.5 else {"account": rng.choice(accounts).label}
    message = await fleet.outbox.send(peer=peer, text=f"message {i} to {peer}", idempotency_key=f"chaos-{i}", **target)
    return message.id


async def _drained(fleet: Fleet) -> bool | None:
    for state in OPEN:
        if await fleet.outbox.list(state=state, limit=1):
            return None
    return True


async def verify(
    tg: Sandbox, fleet: Fleet, accounts: list[Seeded], peers: dict[str, int], ids: list[int], report: Report
) -> None:
    """The checks of the module docstring, on the drained outbox."""
    users = {a.account_id: a.user_id for a in accounts}
    messages = [await fleet.outbox.get(i) for i in ids]
    assert Counter(m.state for m in messages) == {OutboxState.SENT: len(ids)}, Counter(m.state for m in messages)
    received: dict[str, int] = {}  # text -> the recipient's box id
    for peer, user_id in peers.items():
        inbound = Counter(m.text for m in tg.messages_of(user_id) if not m.out)
        expected = Counter(m.text for m in messages if m.peer == peer)
        assert inbound == expected, f"{peer}: twice {[t for t, n in inbound.items() if n > 1][:5]}, lost " \
            f"{sorted(set(expected) - set(inbound))[:5]}, extra {sorted(set(inbound) - set(expected))[:5]}"  # fmt: skip
        received |= {m.text: m.id for m in tg.messages_of(user_id) if not m.out}
    by_chat: dict[str, list[OutboxMessage]] = defaultdict(list)
    for m in messages:
        by_chat[m.chat].append(m)
        _check_sender_copy(tg, m, users, peers)
    for chat, in_order in by_chat.items():  # ids are the order of send; box ids the order of arrival
        arrival = [received[m.text] for m in in_order]
        assert arrival == sorted(arrival), f"chat {chat} out of order: {[m.id for m in in_order]} -> {arrival}"
    for m in messages:
        attempts = await fleet.outbox.attempts(m.id)
        assert [a.outcome for a in attempts][-1] == "sent" and {a.random_id for a in attempts} == {m.random_id}
        assert {a.account_id for a in attempts} == {m.account_id}  # pinned: never another account
        report.attempts += len(attempts)
        report.resent += sum(1 for a in attempts[:-1] if a.outcome == "unknown")
    report.sent = len(messages)
    assert tg.key_use.overlaps() == []  # never two connections on one key (a stale holder sent nothing)
    assert tg.stats()["auth_key_duplicated"] == 0


def _check_sender_copy(tg: Sandbox, m: OutboxMessage, users: dict[int, int], peers: dict[str, int]) -> None:
    """The sender's box has the message once, with the outbox's Telegram id and random_id."""
    assert m.account_id is not None
    copies = [s for s in tg.messages_of(users[m.account_id], peers[m.peer]) if s.out and s.text == m.text]
    assert [(s.id, s.random_id) for s in copies] == [(m.tg_message_id, m.random_id)], (m, copies)
