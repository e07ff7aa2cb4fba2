"""The fleet's outbox against a bare loop of ``tgfleet.Client.send_message``: messages per second across 100 accounts,
on SQLite and PostgreSQL, with every state written durably; and (``--limits``) a burst of 600 on one account paced by
its policy against a sandbox limiting at the policy's rate, which must answer no FLOOD_WAIT.

Throughput (the default): the policy's limits are relaxed (no buckets, unbounded daily budgets) and the client's own
rate limiter is off on both sides, so the fleet, not the pacing, is measured. Per run and contender:

- bare loop: the accounts' Clients, connected beforehand (not timed), each send its share of the messages to one
  recipient, one after the other, all accounts at once; the rate is messages over the wall time, the latency
  each call's round trip;
- fleet: a ``Worker`` in this process holds the accounts (connected beforehand, not timed); then ``--messages``
  ``fleet.outbox.send`` calls (the same recipient, the accounts in turn, ``PRODUCERS`` of them at a time, as an
  application serving many requests makes them; one after the other, the store's round trip per ``send`` bounded
  the rate on PostgreSQL) and the worker sends them: the rate is
  messages over the time from the first ``send`` to the last ``sent`` (the store's ``updated_at``), the latency each
  message's ``sent`` time less its ``created_at``; the store's cost per message is counted around the fleet's own
  store (every transaction of the ``send`` calls and of the worker's outbox: how many, their statements, the wall
  time spent inside them) while the run lasts. The benchmark's own polling for the end goes through another handle.

The sandbox runs in a child process pinned to CPU 0 (``_common.SandboxProcess``), the contenders here on CPU 1 (and
PostgreSQL, a throwaway cluster as the tests start it, fsync off, inherits it): in-process, the sandbox would share
one event loop with the contender and charge its own work to both, hiding the difference being measured. The
contenders run one after the other (never two connections on one auth key at once), interleaved in each round.

Run: ``.venv/bin/python benchmarks/outbox.py [--quick] [--json out.json] [--accounts 100] [--messages 2000]
[--runs 3] [--limits]``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

from fleet_store import engines

from tests.fleet.helpers import pyrogram_string
from tgfleet import Client
from tgfleet.client.ratelimit import RateLimits
from tgfleet.crypto.rsa import RsaPublicKey
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.store import Store, Tx
from tgfleet.fleet.worker import Worker
from tgfleet.fleet.worker_events import WorkerEvent
from tgfleet.net import DcAddress, Network

BENCH_KEY = bytes(range(32))
"""A throwaway seal key (no key file is left behind)."""
UNPACED = SendPolicy(interval=0.0, chat_interval=0.0, daily_messages=10**9, daily_new_peers=10**9, request_interval=0.0)
LIMITS_POLICY = {"interval": 0.05, "burst": 2, "chat_interval": 0.0, "daily_messages": 10_000, "warmup_days": 0.0}
"""No warm-up: an account imported just now would otherwise send at a third of the rate (``SendPolicy.warmup_*``)."""
LIMITS_BURST = 600
SETTINGS = LeaseSettings(ttl=30.0, renew_interval=10.0, grace=5.0)
RECIPIENT = "bench_outbox_bob"
TIMEOUT = 600.0
PRODUCERS = 16
"""The fleet's concurrent ``send`` calls (the bare loop's calls are concurrent too: one at a time per account)."""


class Setup:
    """What both contenders share: the sandbox's network, the seeded accounts and the recipient."""

    def __init__(self, sandbox: c.SandboxProcess, accounts: int) -> None:
        info = sandbox.info
        key = RsaPublicKey.from_pem(info["public_key_pem"])
        dcs = tuple(DcAddress(d, h, p) for d, h, p in info["dcs"])
        self.network = Network(dcs, (key,), False, info["default_dc"], "sandbox")
        self.api_id, self.api_hash = int(info["api_id"]), str(info["api_hash"])
        self.recipient = sandbox.request("add_user", phone="+15559990001", first_name="Bob", username=RECIPIENT)["id"]
        self.sessions = [
            pyrogram_string(dc_id=dc, user_id=user_id, api_id=self.api_id, key=bytes.fromhex(key_hex))
            for user_id, dc, key_hex in sandbox.request("seed", count=accounts)["accounts"]
        ]


def latencies(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_s": ordered[len(ordered) // 2], "p99_s": ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)]}


# -- the bare loop --------------------------------------------------------------------------------------------------
async def bare(setup: Setup, messages: int) -> dict[str, Any]:
    clients = [Client(f"bare{i}", setup.api_id, setup.api_hash, session_string=s, network=setup.network,
                      rate_limits=RateLimits.disabled()) for i, s in enumerate(setup.sessions)]  # fmt: skip
    await asyncio.gather(*(client.connect() for client in clients))
    calls: list[float] = []
    try:
        for client in clients:  # the recipient's username resolved once per account, as the fleet's clients do
            await client.send_message(f"@{RECIPIENT}", "warm-up")

        async def loop(client: Client, count: int) -> None:
            for i in range(count):
                started = time.perf_counter()
                await client.send_message(f"@{RECIPIENT}", f"bare {i}")
                calls.append(time.perf_counter() - started)

        shares = [messages // len(clients) + (i < messages % len(clients)) for i in range(len(clients))]
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(loop(cl, n) for cl, n in zip(clients, shares, strict=True))), TIMEOUT)
        seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(client.disconnect() for client in clients), return_exceptions=True)
    return {"messages": messages, "seconds": seconds, "rate": messages / seconds, **latencies(calls)}


# -- the fleet ------------------------------------------------------------------------------------------------------
async def enqueue(fleet: Fleet, accounts: int, messages: int) -> None:
    """The measured ``send`` calls, as an application with many requests to answer makes them: ``PRODUCERS`` at a
    time (each waits for its ``send`` to return before its next), the accounts in turn."""
    numbers = iter(range(messages))

    async def producer() -> None:
        for i in numbers:
            await fleet.outbox.send(peer=f"@{RECIPIENT}", text=f"fleet {i}", account=f"a{i % accounts}")

    await asyncio.gather(*(producer() for _ in range(PRODUCERS)))


async def populate(url: str, setup: Setup, policy: dict[str, Any] | None = None, count: int | None = None) -> None:
    async with Fleet.open(url, seal_key=BENCH_KEY) as fleet:
        for i, text in enumerate(setup.sessions[:count]):
            await fleet.accounts.import_session(text, label=f"a{i}", policy={"sending": policy} if policy else None)


@asynccontextmanager
async def worker_running(fleet: Fleet, setup: Setup, accounts: int, policy: SendPolicy) -> AsyncIterator[Worker]:
    connected: set[str] = set()
    all_connected = asyncio.Event()

    def on_event(event: WorkerEvent) -> None:
        if event.kind == "connected" and event.account is not None:
            connected.add(event.account)
            if len(connected) == accounts:
                all_connected.set()

    worker = Worker(fleet, network=setup.network, api_id=setup.api_id, api_hash=setup.api_hash, on_event=on_event,
                    pacer=Pacer(32, 0.1), client_options={"rate_limits": RateLimits.disabled()}, send_policy=policy,
                    poll_interval=0.5)  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.wait_for(all_connected.wait(), TIMEOUT)
        yield worker
    finally:
        worker.drain()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), TIMEOUT)


class StoreProbe:
    """Counts the transactions of one ``Store`` object, their statements, the trips to the engine (a statement or a
    batch) and the wall time spent inside them, by wrapping its ``transaction`` (the fleet's own code is unchanged;
    statements are counted on each ``Tx``)."""

    def __init__(self) -> None:
        self.transactions = self.statements = self.trips = 0
        self.seconds = 0.0

    @classmethod
    @contextmanager
    def around(cls, store: Store) -> Iterator[StoreProbe]:
        probe, original = cls(), store.transaction

        @asynccontextmanager
        async def counted(*, readonly: bool = False) -> AsyncIterator[Tx]:
            started = time.perf_counter()
            try:
                async with original(readonly=readonly) as tx:
                    yield probe._counting(tx)
            finally:
                probe.transactions += 1
                probe.seconds += time.perf_counter() - started

        store.transaction = counted  # type: ignore[method-assign]
        try:
            yield probe
        finally:
            del store.transaction  # the class's method again

    def _counting(self, tx: Tx) -> Tx:
        for name in ("execute", "fetch", "executemany", "batch", "closing_batch"):
            setattr(tx, name, self._count(getattr(tx, name), batch=name.endswith("batch")))
        return tx

    def _count(self, call: Callable[..., Any], batch: bool) -> Callable[..., Any]:
        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.statements += len(args[0]) if batch else 1  # a batch: each of its statements
            self.trips += 1
            return await call(*args, **kwargs)

        return counted

    def per(self, messages: int) -> dict[str, float]:
        return {"transactions_per_message": self.transactions / messages,
                "statements_per_message": self.statements / messages,
                "trips_per_message": self.trips / messages,
                "store_seconds_per_message": self.seconds / messages}  # fmt: skip


async def sent_rows(watch: Fleet, first_id: int) -> list[tuple[float, float]]:
    async with watch.store.transaction(readonly=True) as tx:
        rows = await tx.fetch(
            "SELECT created_at, updated_at FROM outbox_messages WHERE id >= :first AND state = 'sent'",
            {"first": first_id},
        )
    return [(float(a), float(b)) for a, b in rows]


async def until_sent(watch: Fleet, first_id: int, count: int) -> list[tuple[float, float]]:
    """Waits (polling a count: the watcher shares the worker's process, so its reads are kept small) until
    ``count`` messages from ``first_id`` on are sent, then reads their times once."""
    deadline = time.monotonic() + TIMEOUT
    while (sent := await sent_count(watch, first_id)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{sent} of {count} messages sent within {TIMEOUT:.0f} s")
        await asyncio.sleep(0.1)
    return await sent_rows(watch, first_id)


async def sent_count(watch: Fleet, first_id: int) -> int:
    async with watch.store.transaction(readonly=True) as tx:
        rows = await tx.fetch(
            "SELECT COUNT(*) FROM outbox_messages WHERE id >= :first AND state = 'sent'", {"first": first_id}
        )
    return int(rows[0][0])


async def fleet_run(url: str, setup: Setup, accounts: int, messages: int) -> dict[str, Any]:
    """One run on a fresh store ``url`` (the accounts imported): warm-up messages (ids 1..accounts), then the
    measured ones."""
    await populate(url, setup, count=accounts)
    async with (
        Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) as fleet,
        Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) as watch,
        worker_running(fleet, setup, accounts, UNPACED),
    ):
        for i in range(accounts):  # the username resolved once per account, as in the bare loop
            await fleet.outbox.send(peer=f"@{RECIPIENT}", text="warm-up", account=f"a{i}")
        await until_sent(watch, 1, accounts)
        with StoreProbe.around(fleet.store) as probe:
            started = time.time()
            await enqueue(fleet, accounts, messages)
            rows = await until_sent(watch, accounts + 1, messages)
    seconds = max(sent for _, sent in rows) - started
    return {"messages": messages, "seconds": seconds, "rate": messages / seconds,
            **latencies([sent - created for created, sent in rows]), **probe.per(messages)}  # fmt: skip


# -- limits at full size --------------------------------------------------------------------------------------------
async def limits_run(url: str, setup: Setup, sandbox: c.SandboxProcess) -> dict[str, Any]:
    """A burst of ``LIMITS_BURST`` on one account paced by its policy; the sandbox limits at the policy's rate."""
    await populate(url, setup, policy=LIMITS_POLICY, count=1)
    floods_before = sandbox.request("floods")["floods"]
    async with (
        Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) as fleet,
        Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) as watch,
    ):
        async with worker_running(fleet, setup, 1, SendPolicy()):  # the account's policy["sending"] paces it
            started = time.time()
            for i in range(LIMITS_BURST):
                await fleet.outbox.send(peer=f"@{RECIPIENT}", text=f"burst {i}", account="a0")
            rows = await until_sent(watch, 1, LIMITS_BURST)
        async with watch.store.transaction(readonly=True) as tx:
            outcomes: dict[str, int] = dict(
                await tx.fetch("SELECT outcome, COUNT(*) FROM outbox_attempts GROUP BY outcome")
            )
    seconds = max(sent for _, sent in rows) - started
    return {"messages": LIMITS_BURST, "seconds": seconds, "rate": LIMITS_BURST / seconds,
            "policy_rate": 1 / LIMITS_POLICY["interval"], "attempts": outcomes,
            "sandbox_flood_waits": sandbox.request("floods")["floods"] - floods_before}  # fmt: skip


def limited_sandbox() -> c.SandboxProcess:
    """A sandbox whose message bucket refills at the policy's rate (one token more of burst absorbs a call's trip)."""
    burst = LIMITS_POLICY["burst"] + 1
    rate = {"count": burst, "per": burst * LIMITS_POLICY["interval"]}
    return c.SandboxProcess(dcs=2, limits={**c.UNLIMITED, "messages": rate, "new_account_messages": rate})


# -- the command ----------------------------------------------------------------------------------------------------
def main() -> None:
    def options(p: Any) -> None:
        p.add_argument("--accounts", type=int, default=100, help="accounts sending (default 100)")
        p.add_argument("--messages", type=int, help="messages per run (default 2000; --quick: 500)")
        p.add_argument("--runs", type=int, help="runs per contender (default 3; --quick: 1)")
        p.add_argument("--limits", action="store_true", help=f"a burst of {LIMITS_BURST} on one paced account instead")

    args = c.parse_args(__doc__.splitlines()[0], extra=options)
    results = limits(args) if args.limits else throughput(args)
    if args.json:
        c.write_json(args.json, results)


def throughput(args: Any) -> dict[str, Any]:
    messages, runs = args.messages or (500 if args.quick else 2000), args.runs or (1 if args.quick else 3)
    samples: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp, c.SandboxProcess(dcs=2) as sandbox:
        c.pin_to(c.LOAD_CPU)  # after the sandbox child took CPU 0; PostgreSQL inherits CPU 1
        setup = Setup(sandbox, args.accounts)
        makers, cleanup = engines(Path(tmp))
        try:
            for _ in range(runs):  # one round: one sample of each contender
                samples.setdefault("bare loop", []).append(asyncio.run(bare(setup, messages)))
                for engine, make in makers.items():
                    run = asyncio.run(fleet_run(make(), setup, args.accounts, messages))
                    samples.setdefault(f"fleet, {engine}", []).append(run)
        finally:
            cleanup()
        placement = sandbox.placement()
    medians = {name: {k: c.median(s[k] for s in runs_) for k in runs_[0]} for name, runs_ in samples.items()}
    report(medians, args.accounts, messages, runs, placement)
    return {"accounts": args.accounts, "messages": messages, "runs": runs, "samples": samples, "medians": medians}


def report(medians: dict[str, dict[str, float]], accounts: int, messages: int, runs: int, placement: str) -> None:
    bare_rate = medians["bare loop"]["rate"]
    fleets = [name for name in medians if name != "bare loop"]

    def per_fleet(key: str, fmt: Callable[[float], str]) -> list[str]:
        return [fmt(medians[name][key]) for name in fleets]

    rows = [
        ["messages/s", f"{bare_rate:,.0f}", *per_fleet("rate", lambda r: f"{r:,.0f}")],
        ["vs the bare loop (goal: at least 0.5x)", "1.00x", *per_fleet("rate", lambda r: f"{r / bare_rate:.2f}x")],
        ["latency p50 (bare: a call; fleet: send to sent)", c.fmt_seconds(medians["bare loop"]["p50_s"]),
         *per_fleet("p50_s", c.fmt_seconds)],
        ["latency p99", c.fmt_seconds(medians["bare loop"]["p99_s"]), *per_fleet("p99_s", c.fmt_seconds)],
        ["store transactions per message", "", *per_fleet("transactions_per_message", lambda v: f"{v:.1f}")],
        ["store statements per message", "", *per_fleet("statements_per_message", lambda v: f"{v:.1f}")],
        ["store trips per message (a statement or a batch; besides BEGIN and COMMIT)", "",
         *per_fleet("trips_per_message", lambda v: f"{v:.1f}")],
        ["store time per message", "", *per_fleet("store_seconds_per_message", c.fmt_seconds)],
    ]  # fmt: skip
    print(c.table([f"`benchmarks/outbox.py` ({accounts} accounts, {messages:,} messages)", "bare loop", *fleets], rows))
    print(f"\nmedians of {runs} runs; {placement}; a shared machine")


def limits(args: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp, limited_sandbox() as sandbox:
        c.pin_to(c.LOAD_CPU)
        setup = Setup(sandbox, 1)
        makers, cleanup = engines(Path(tmp))
        try:
            for engine, make in makers.items():
                results[engine] = asyncio.run(limits_run(make(), setup, sandbox))
        finally:
            cleanup()
    rows = [[engine, f"{r['rate']:.1f} (policy {r['policy_rate']:.0f})", f"{r['seconds']:.1f} s",
             str(r["sandbox_flood_waits"]), ", ".join(f"{k} {v}" for k, v in sorted(r["attempts"].items()))]
            for engine, r in results.items()]  # fmt: skip
    headers = [f"`benchmarks/outbox.py --limits` ({LIMITS_BURST} on one account)", "messages/s", "burst",
               "sandbox FLOOD_WAITs (goal: 0)", "attempts"]  # fmt: skip
    print(c.table(headers, rows))
    if any(r["sandbox_flood_waits"] or set(r["attempts"]) != {"sent"} for r in results.values()):
        raise SystemExit("the paced burst met FLOOD_WAIT: see the table")
    return results


if __name__ == "__main__":
    main()
