"""The inbox through crashes (issue 13, "Inbox"): the scenario ``test_inbox_processes.py`` runs small and
``benchmarks/chaos.py --inbox`` at full size (1,000 messages across 10 accounts), the same code, on either engine:
two worker processes (scripts running ``Worker`` with a fleet handler that prints each message it handles as a JSON
line) hold the accounts; incoming messages arrive from the sandbox in rounds while, after each round, one worker is
killed (``kill -9``) and started again, so accounts move between the workers and to new processes. Every message is
stored once and handled: each by the handler at least once, and more than once only where a kill fell between the
handler's return and its marker's commit (at most one rerun per account per kill); a handler that raises is retried
and then succeeds once (a retry after a success would show as a second line).

``channel=True``: the same through a supergroup every account is in (Alice posts; each post reaches every account),
with 20% of the channel's pushes lost by the sandbox: the holders fill the gaps with updates.getChannelDifference
from the channel pts the fenced session stored, so a new holder neither loses nor repeats a post."""

from __future__ import annotations

import dataclasses
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tgfleet import Client
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.inbox_records import InboxMessage
from tgfleet.sandbox import Sandbox

from ..client.helpers import logged_in
from .helpers import until
from .workers import TIMEOUT, Events, WorkerProcess, seed, write_info

TTL = 2.0
SETTINGS = LeaseSettings(ttl=TTL, renew_interval=TTL / 3, grace=TTL / 3)

INBOX_WORKER = """
import asyncio, dataclasses, json, sys
from pathlib import Path
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.inbox_records import InboxMessage
from tgfleet.fleet.worker import Worker

store, info_path, ttl = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
failures = {}

def emit(event):
    data = dataclasses.asdict(event)
    data["event"] = data.pop("kind")
    print(json.dumps(data, default=str), flush=True)

async def main():
    info = SandboxInfo.load(info_path)
    settings = LeaseSettings(ttl=ttl, renew_interval=ttl / 3, grace=ttl / 3)
    async with Fleet.open(store, create=False, settings=settings) as fleet:

        @fleet.on_message(name="recorder")
        async def record(client, message):
            key = (client.name, message.text)
            if message.text.startswith("flaky") and failures.setdefault(key, 0) < 2:
                failures[key] += 1
                print(json.dumps({"event": "raised", "account": client.name, "text": message.text}), flush=True)
                raise RuntimeError("not yet")
            print(json.dumps({"event": "handled", "account": client.name, "text": message.text}), flush=True)

        worker = Worker(fleet, network=info.network(), api_id=info.api_id, api_hash=info.api_hash, on_event=emit,
                        client_options={"timeout": 10.0}, handler_retry=0.05, poll_interval=0.2)
        await worker.run()

asyncio.run(main())
"""


@dataclass(frozen=True)
class InboxSize:
    accounts: int
    rounds: int  # a kill after each
    per_round: int  # messages to each account per round
    channel: bool = False  # posts in a supergroup of every account instead of private messages


SUITE = InboxSize(accounts=3, rounds=4, per_round=25)
FULL = InboxSize(accounts=10, rounds=10, per_round=10)  # 1,000 messages, 10 kills
CHANNEL_SUITE = InboxSize(accounts=2, rounds=4, per_round=20, channel=True)
CHANNEL_FULL = InboxSize(accounts=10, rounds=10, per_round=10, channel=True)  # 1,000 deliveries of 100 posts
LOST = 0.2  # the channel's pushes the sandbox drops
HELLO = "hello"  # the warm-up's posts


@dataclass
class InboxReport:
    size: InboxSize
    messages: int = 0
    handled: int = 0  # handler runs that returned
    reruns: int = 0  # runs beyond the first (a kill between the handler's return and its marker's commit)
    kills: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


async def warm_up(poster: Client, group: int, labels: set[str], events: Events) -> None:
    """Post until every account's holder handled a post: a holder learns the new supergroup from its first push,
    and one that was being handed over (the workers balance at their start) when a post came never saw it, as a
    Telegram client away when it was added would not. The warm-up's posts are left out of the checks."""
    for k in range(10):
        await poster.send_message(group, f"{HELLO} {k}")
        greeted = lambda: {e["account"] for e in events.of("handled") if e["text"].startswith(HELLO)} >= labels  # noqa: E731
        try:
            await events.until(greeted, timeout=TIMEOUT / 6, what="the supergroup known to every holder")
            return
        except AssertionError:
            continue
    raise AssertionError(f"not every holder handled one of 10 posts to a new supergroup: {events.seen[-10:]}")


async def into_a_supergroup(tg: Sandbox, poster: Client, poster_id: int, members: list[int]) -> int:
    """A new supergroup of ``poster`` with ``members`` in it (his contacts first, so he may add them); its id."""
    for user_id in members:
        tg.world.add_contact(poster_id, user_id)
    await poster.get_contacts()  # their access hashes
    group = await poster.create_supergroup("Inbox chaos")
    await poster.add_chat_members(group.id, members)
    return group.id


async def inbox_chaos(store_url: str, tmp_path: Path, size: InboxSize) -> InboxReport:
    """The scenario of the module docstring; its report (AssertionError if a check fails)."""
    began = time.monotonic()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, size.accounts)
        alice = tg.add_user("+15591000001", "Alice", dc=2)
        info = write_info(tg, tmp_path / "sandbox.json")
        events = Events()  # every process's lines, killed ones' too

        async def start() -> WorkerProcess:
            w = await WorkerProcess.script(INBOX_WORKER, store_url, str(info), str(TTL))
            w.events = events
            return w

        def handled() -> Counter[tuple[str, str]]:  # the warm-up's posts left out
            return Counter((e["account"], e["text"]) for e in events.of("handled") if not e["text"].startswith(HELLO))

        workers = [await start(), await start()]
        poster = None
        try:
            labels = {a.label for a in accounts}
            await events.until(lambda: {e["account"] for e in events.of("connected")} >= labels, what="connected")
            sent: list[tuple[str, str]] = []
            if size.channel:
                poster = await logged_in(tg, alice.phone, name="alice")
                group = await into_a_supergroup(tg, poster, alice.id, [a.user_id for a in accounts])
                await warm_up(poster, group, labels, events)
                tg.world.drop_channel_updates(LOST)

            async def deliver(r: int, i: int) -> None:
                if poster is not None:
                    text = f"round {r} #{i}" if (r, i) != (1, 3) else "flaky post"
                    await poster.send_message(group, text)
                    sent.extend((a.label, text) for a in accounts)
                    return
                for a in accounts:
                    text = f"round {r} #{i} to {a.label}" if (r, i) != (1, 3) else f"flaky to {a.label}"
                    tg.world.send_message(alice.id, a.user_id, text)
                    sent.append((a.label, text))

            killed: list[int] = []
            for r in range(size.rounds):
                for i in range(size.per_round):
                    await deliver(r, i)
                goal = len(sent) - size.per_round  # some of this round handled: the kill falls while handling goes on
                await events.until(lambda g=goal: len(handled()) >= g, what=f"round {r} under way")  # type: ignore[misc]
                victim = r % 2
                workers[victim].proc.send_signal(signal.SIGKILL)
                killed.append(await workers[victim].exited())
                workers[victim] = await start()
            if poster is not None:  # a last post, pushed to all: it shows each holder a gap a lost push left
                tg.world.drop_channel_updates(0)
                await poster.send_message(group, "bye")
                sent += [(a.label, "bye") for a in accounts]
            await events.until(lambda: set(handled()) >= set(sent), what="every message handled")

            async def all_marked() -> list[InboxMessage] | None:
                stored = [m for a in accounts for m in await fleet.inbox.list(account=a.label, limit=1000)]
                if not all(m.handled == ("recorder",) for m in stored):
                    return None
                return [m for m in stored if not m.text.startswith(HELLO)]

            stored = await until(all_marked, timeout=TIMEOUT)  # the last markers' commits follow the last lines
        finally:
            tg.world.drop_channel_updates(0)
            for w in workers:
                await w.close()
            if poster is not None:
                await poster.disconnect()

        counts = handled()
        assert set(counts) == set(sent)  # none lost, nothing that was not sent
        reruns = sum(n - 1 for n in counts.values())
        assert reruns <= size.rounds * size.accounts, counts.most_common(5)
        flaky = {(a.label, "flaky post" if size.channel else f"flaky to {a.label}") for a in accounts}
        raised = Counter((e["account"], e["text"]) for e in events.of("raised"))
        assert set(raised) == flaky and all(counts[k] >= 1 for k in flaky)
        assert sorted((m.account, m.text) for m in stored) == sorted(sent)  # each stored once, each marked
        if size.channel:  # in the supergroup, in the order posted
            for a in accounts:
                mine = sorted((m for m in stored if m.account == a.label), key=lambda m: m.message_id)
                assert [m.text for m in mine] == [text for label, text in sent if label == a.label]
        assert killed == [-signal.SIGKILL] * size.rounds  # each round's victim died by kill -9, mid-way
        assert tg.key_use.overlaps() == []
    return InboxReport(size, len(sent), sum(counts.values()), reruns, len(killed), time.monotonic() - began)
