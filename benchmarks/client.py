"""Clients against one sandbox: tgfleet vs Telethon vs Pyrogram (Kurigram), side by side.

The sandbox runs in a child process pinned to CPU 0 (rate limits off); the clients run here, pinned to CPU 1.

1. Connect time: ``connect()`` of a new client with no key (key exchange + initConnection), and of a client
   restored from the session string of a logged-in account (existing key); tgfleet also with ``pfs=True``
   (a temporary key made and bound on every connect; a fresh client makes its permanent key first).
2. Round trip of ``users.getUsers([inputUserSelf])``, sequential: p50 and p99, and calls per second.
3. Calls per second with 100 calls in flight on one client.
4. Resident memory per connected idle client: ``(RSS after connecting N clients - RSS before) / N`` in a fresh
   process per library (N = 1,000; 100 with ``--quick``).
5. Updates to handlers, in this process (tgfleet vs Pyrogram; ``dispatch.py`` says how): building ``Message``
   objects from a stream of 10,000 new-message updates (2,000 with ``--quick``), and dispatching them through
   three handler groups with filters (``filters.text & filters.private``, ``filters.command``, ``filters.regex``).

Run: ``.venv/bin/python benchmarks/client.py [--quick] [--json out.json] [--clients N] [--profile] [--dispatch-only]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import logging
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import _common as c
import dispatch

LIBS = ("tgfleet", "Telethon", "Pyrogram")
PEERS = LIBS[1:]
PHONES = {"tgfleet": "+15550100001", "Telethon": "+15550100002", "Pyrogram": "+15550100003"}


@dataclass(frozen=True)
class Settings:
    rounds: int
    """Interleaved rounds (after one discarded warm-up round)."""
    connects: int
    """Connect samples of each kind per library per round."""
    sequential_calls: int
    """Sequential calls per library per round (each one timed)."""
    in_flight: int
    calls_per_worker: int
    """Each of the ``in_flight`` workers makes this many calls per sample."""
    memory_runs: int
    idle_clients: int
    connect_batch: int = 50
    """Idle clients connected at once."""
    idle_seconds: float = 2.0
    dispatched: int = 10_000
    """Updates in the dispatch rows' stream."""


FULL = Settings(
    rounds=7, connects=5, sequential_calls=500, in_flight=100, calls_per_worker=20, memory_runs=3, idle_clients=1000
)
QUICK = Settings(
    rounds=3,
    connects=2,
    sequential_calls=100,
    in_flight=100,
    calls_per_worker=5,
    memory_runs=1,
    idle_clients=100,
    dispatched=2_000,
)


# -- one adapter per library ----------------------------------------------------------------------------------------
class Adapter:
    """What the benchmark does with a library: make, connect and disconnect clients, call, log in."""

    name = ""
    connect_does = ""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.api_id = int(info["api_id"])
        self.api_hash = str(info["api_hash"])
        self.host, self.port = next((h, p) for d, h, p in info["dcs"] if d == info["default_dc"])

    def fresh(self) -> Any:
        """A client with no session (connect() creates a key)."""
        raise NotImplementedError

    def saved(self, session: str) -> Any:
        """A client restored from a session string."""
        raise NotImplementedError

    async def connect(self, client: Any) -> None:
        await client.connect()

    async def disconnect(self, client: Any) -> None:
        await client.disconnect()

    def is_connected(self, client: Any) -> bool:
        raise NotImplementedError

    async def call(self, client: Any) -> Any:
        """``users.getUsers([inputUserSelf])`` through the library's raw-API call."""
        raise NotImplementedError

    async def login(self, client: Any, phone: str, code: Callable[[str], str]) -> str:
        """send_code + sign_in on a connected fresh client; returns the session string."""
        raise NotImplementedError


class TgfleetAdapter(Adapter):
    name = "tgfleet"
    connect_does = "key exchange (if no key) + invokeWithLayer(initConnection(help.getConfig)); with a logged-in"
    connect_does += " session also updates.getState (getDifference follows in the background)"

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        from tgfleet import Client
        from tgfleet.client.ratelimit import RateLimits
        from tgfleet.crypto.rsa import RsaPublicKey
        from tgfleet.net import DcAddress, Network
        from tgfleet.tl import functions, types

        self._client = Client
        key = RsaPublicKey.from_pem(info["public_key_pem"])
        dcs = tuple(DcAddress(d, h, p) for d, h, p in info["dcs"])
        self.network = Network(dcs, (key,), False, info["default_dc"], "sandbox")
        self._request = functions.users.GetUsers(id=[types.InputUserSelf()])
        # tgfleet paces calls on the client (100 requests/s by default, to stay clear of FLOOD_WAIT); the peers
        # have no such limiter, so it is off here, like the sandbox's.
        self._options: dict[str, Any] = {"network": self.network, "rate_limits": RateLimits.disabled()}

    def with_pfs(self) -> TgfleetAdapter:
        """The same adapter, its clients made with ``pfs=True``."""
        other = TgfleetAdapter(self.info)
        other._options["pfs"] = True
        return other

    def fresh(self) -> Any:
        return self._client("bench", self.api_id, self.api_hash, in_memory=True, **self._options)

    def saved(self, session: str) -> Any:
        return self._client("bench", self.api_id, self.api_hash, session_string=session, **self._options)

    def is_connected(self, client: Any) -> bool:
        return bool(client.is_connected)

    async def call(self, client: Any) -> Any:
        return await client.invoke(self._request)

    async def login(self, client: Any, phone: str, code: Callable[[str], str]) -> str:
        sent = await client.send_code(phone)
        await client.sign_in(phone, sent.phone_code_hash, code(phone))
        return str(await client.export_session_string())


class TelethonAdapter(Adapter):
    name = "Telethon"
    connect_does = "key exchange (if no key) + initConnection(help.getConfig), pipelined with users.getUsers(self)"
    connect_does += " (get_me); with a logged-in session also updates.getState"

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        from telethon import TelegramClient, functions, types
        from telethon.crypto import rsa
        from telethon.network import connection
        from telethon.sessions import StringSession

        rsa.add_key(info["public_key_pem"], old=False)  # the documented hook for custom servers
        self._client = TelegramClient
        self._session = StringSession
        self._connection = connection.ConnectionTcpAbridged
        self._request = functions.users.GetUsersRequest([types.InputUserSelf()])

    def _make(self, session: Any) -> Any:
        return self._client(session, self.api_id, self.api_hash, connection=self._connection)

    def fresh(self) -> Any:
        session = self._session()
        session.set_dc(self.info["default_dc"], self.host, self.port)
        return self._make(session)

    def saved(self, session: str) -> Any:
        return self._make(self._session(session))

    def is_connected(self, client: Any) -> bool:
        return bool(client.is_connected())

    async def call(self, client: Any) -> Any:
        return await client(self._request)

    async def login(self, client: Any, phone: str, code: Callable[[str], str]) -> str:
        await client.send_code_request(phone)
        await client.sign_in(phone, code(phone))
        return str(client.session.save())


class PyrogramAdapter(Adapter):
    name = "Pyrogram"
    connect_does = "key exchange (if no key) + ping + invokeWithLayer(initConnection(help.getConfig)), one after"
    connect_does += " the other"

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        import pyrogram
        from pyrogram import raw
        from pyrogram.connection import Connection
        from pyrogram.crypto import rsa

        from tgfleet.crypto.rsa import RsaPublicKey

        # Kurigram hardcodes Telegram's addresses and keys. Its Client takes a ``connection_factory`` (used for
        # the key exchange and for sessions): this one ignores the address it is given and dials the sandbox.
        # The sandbox's key goes into its key table, under the signed fingerprint Kurigram reads off the wire.
        key = RsaPublicKey.from_pem(info["public_key_pem"])
        fingerprint = key.fingerprint - (1 << 64) if key.fingerprint >= 1 << 63 else key.fingerprint
        rsa.server_public_keys[fingerprint] = rsa.PublicKey(key.n, key.e)
        host, port = self.host, self.port

        class SandboxConnection(Connection):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["server_address"], kwargs["port"] = host, port
                super().__init__(*args, **kwargs)

        self._factory = SandboxConnection
        self._client = pyrogram.Client
        self._request = raw.functions.users.GetUsers(id=[raw.types.InputUserSelf()])  # type: ignore[attr-defined]
        # Its first message (ping with an even seqno) draws bad_msg_notification 35 from the sandbox, which
        # it logs as a warning and goes on: see the README.
        logging.getLogger("pyrogram").setLevel(logging.ERROR)

    def fresh(self) -> Any:
        return self._client("bench", self.api_id, self.api_hash, in_memory=True, connection_factory=self._factory)

    def saved(self, session: str) -> Any:
        return self._client("bench", session_string=session, connection_factory=self._factory)

    def is_connected(self, client: Any) -> bool:
        return bool(client.is_connected)

    async def call(self, client: Any) -> Any:
        return await client.invoke(self._request)

    async def login(self, client: Any, phone: str, code: Callable[[str], str]) -> str:
        sent = await client.send_code(phone)
        await client.sign_in(phone, sent.phone_code_hash, code(phone))
        return str(await client.export_session_string())


ADAPTERS: dict[str, type[Adapter]] = {
    "tgfleet": TgfleetAdapter,
    "Telethon": TelethonAdapter,
    "Pyrogram": PyrogramAdapter,
}


# -- 1-3: in this process -------------------------------------------------------------------------------------------
METRICS = (
    "connect_fresh",
    "connect_saved",
    "connect_fresh_pfs",
    "connect_saved_pfs",
    "rtt",
    "sequential",
    "concurrent",
    "sequential_client_cpu",
    "sequential_sandbox_busy",
    "concurrent_client_cpu",
    "concurrent_sandbox_busy",
)
Samples = dict[str, dict[str, list[float]]]
"""``{metric: {library: samples}}``; ``rtt`` holds every call, the others one value per sample."""


async def timed(adapter: Adapter, session: str | None = None) -> float:
    """Seconds ``connect()`` of a new client took: a fresh one, or one restored from ``session``. It is
    disconnected afterwards, untimed."""
    client = adapter.fresh() if session is None else adapter.saved(session)
    t0 = time.perf_counter()
    await adapter.connect(client)
    elapsed = time.perf_counter() - t0
    await adapter.disconnect(client)
    return elapsed


async def sequential(adapter: Adapter, client: Any, n: int) -> tuple[list[float], float]:
    """``n`` calls one after the other: every call's seconds, and calls per second over the whole loop."""
    clock = time.perf_counter
    rtts = []
    start = clock()
    for _ in range(n):
        t0 = clock()
        await adapter.call(client)
        rtts.append(clock() - t0)
    return rtts, n / (clock() - start)


async def concurrent(adapter: Adapter, client: Any, in_flight: int, per_worker: int) -> float:
    """Calls per second with ``in_flight`` workers each making ``per_worker`` calls one after the other."""

    async def worker() -> None:
        for _ in range(per_worker):
            await adapter.call(client)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return in_flight * per_worker / (time.perf_counter() - t0)


class Meter:
    """CPU time of this process (the client side) and of the sandbox, and wall time, over one sample."""

    def __init__(self, sandbox: c.SandboxProcess) -> None:
        self.sandbox = sandbox
        self.sandbox0, self.cpu0, self.t0 = sandbox.cpu_seconds(), time.process_time(), time.perf_counter()

    def stop(self, calls: int) -> tuple[float, float]:
        """Client CPU seconds per call, and the sandbox's busy share of the wall time."""
        wall = time.perf_counter() - self.t0
        cpu, sandbox = time.process_time() - self.cpu0, self.sandbox.cpu_seconds() - self.sandbox0
        return cpu / calls, sandbox / wall


async def measure(
    adapters: dict[str, Adapter], sessions: dict[str, str], sandbox: c.SandboxProcess, s: Settings
) -> Samples:
    out: Samples = {m: {k: [] for k in LIBS} for m in METRICS}
    tgfleet = adapters["tgfleet"]
    pfs = tgfleet.with_pfs() if isinstance(tgfleet, TgfleetAdapter) else tgfleet
    clients = {}
    for name, adapter in adapters.items():
        clients[name] = adapter.saved(sessions[name])
        await adapter.connect(clients[name])
    for round_ in range(s.rounds + 1):  # round 0: warm-up, discarded
        keep = round_ > 0
        print(f"  round {round_}/{s.rounds}{' (warm-up)' if not keep else ''}", file=sys.stderr)
        for name, adapter in adapters.items():
            client = clients[name]
            got: dict[str, list[float]] = {m: [] for m in METRICS}
            for _ in range(s.connects):
                got["connect_fresh"].append(await timed(adapter))
                got["connect_saved"].append(await timed(adapter, sessions[name]))
                if adapter is tgfleet:  # the peers have no PFS
                    got["connect_fresh_pfs"].append(await timed(pfs))
                    got["connect_saved_pfs"].append(await timed(pfs, sessions[name]))
            meter = Meter(sandbox)
            rtts, rate = await sequential(adapter, client, s.sequential_calls)
            cpu, busy = meter.stop(s.sequential_calls)
            got["rtt"], got["sequential"] = rtts, [rate]
            got["sequential_client_cpu"], got["sequential_sandbox_busy"] = [cpu], [busy]
            meter = Meter(sandbox)
            rate = await concurrent(adapter, client, s.in_flight, s.calls_per_worker)
            cpu, busy = meter.stop(s.in_flight * s.calls_per_worker)
            got["concurrent"], got["concurrent_client_cpu"], got["concurrent_sandbox_busy"] = [rate], [cpu], [busy]
            if keep:
                for metric, values in got.items():
                    out[metric][name].extend(values)
    for name, adapter in adapters.items():
        await adapter.disconnect(clients[name])
    return out


async def login_all(adapters: dict[str, Adapter], sandbox: c.SandboxProcess) -> dict[str, str]:
    """Log every library in (send_code + sign_in with the code the sandbox issued); their session strings."""
    sessions = {}
    for name, adapter in adapters.items():
        client = adapter.fresh()
        await adapter.connect(client)
        sessions[name] = await adapter.login(client, PHONES[name], sandbox.login_code)
        got = await adapter.call(client)
        if got[0].id != sandbox.info["users"][PHONES[name]]:
            raise AssertionError(f"{name}: users.getUsers(self) returned the wrong user")
        await adapter.disconnect(client)
    return sessions


# -- 4: memory, in a fresh process per library ----------------------------------------------------------------------
async def memory_worker(job: dict[str, Any]) -> None:
    """Runs in the child: connect a warm-up client, then ``clients`` idle ones; RSS before and after."""
    adapter = ADAPTERS[job["lib"]](job["info"])
    session = job["session"]
    warm = adapter.saved(session)
    await adapter.connect(warm)
    await adapter.call(warm)
    await asyncio.sleep(0.5)
    gc.collect()
    before = c.rss_bytes()
    clients = []
    t0 = time.perf_counter()
    for start in range(0, job["clients"], job["batch"]):
        batch = [adapter.saved(session) for _ in range(min(job["batch"], job["clients"] - start))]
        await asyncio.gather(*(adapter.connect(cl) for cl in batch))
        clients.extend(batch)
    seconds = time.perf_counter() - t0
    await asyncio.sleep(job["idle_seconds"])
    gc.collect()
    after = c.rss_bytes()
    connected = sum(adapter.is_connected(cl) for cl in clients)
    result = {"before": before, "after": after, "clients": len(clients), "connected": connected, "seconds": seconds}
    print(json.dumps(result), flush=True)
    # the clients stay connected (and the loop running) while the parent reads the sandbox's counts
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    os._exit(0)  # no orderly shutdown of a thousand clients (asyncio.run's cleanup can hang on them)


def run_memory_worker() -> None:
    """``client.py --memory-worker``: the job as JSON on stdin, one JSON line out, ends at the next stdin line."""
    c.pin_to(c.LOAD_CPU)
    asyncio.run(memory_worker(json.loads(sys.stdin.readline())))


def settled_connections(sandbox: c.SandboxProcess, dc: str, timeout: float = 30.0) -> int:
    """The sandbox's open connections on ``dc`` once the previous worker's have closed (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    count = int(sandbox.stats()["connections"][dc])
    while count and time.monotonic() < deadline:
        time.sleep(0.2)
        count = int(sandbox.stats()["connections"][dc])
    return count


def measure_memory(
    info: dict[str, Any], sessions: dict[str, str], s: Settings, sandbox: c.SandboxProcess
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in LIBS}
    for run in range(s.memory_runs):
        for name in LIBS:
            print(f"  memory run {run + 1}/{s.memory_runs}: {name}, {s.idle_clients} clients", file=sys.stderr)
            base = settled_connections(sandbox, str(info["default_dc"]))
            job = {
                "lib": name,
                "info": info,
                "session": sessions[name],
                "clients": s.idle_clients,
                "batch": s.connect_batch,
                "idle_seconds": s.idle_seconds,
            }
            with tempfile.TemporaryFile(mode="w+") as stderr:
                proc = subprocess.Popen(
                    [sys.executable, __file__, "--memory-worker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    text=True,
                    env=c.subprocess_env(),
                )
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(json.dumps(job) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                server = sandbox.stats()["connections"][str(info["default_dc"])] - base
                try:
                    proc.stdin.write("done\n")
                    proc.stdin.close()
                except BrokenPipeError:  # the worker is gone: its stderr below says why
                    pass
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                if not line:
                    stderr.seek(0)
                    raise RuntimeError(f"the {name} memory worker failed:\n{stderr.read()[-4000:]}")
            result = json.loads(line)
            result["server_connections"] = server
            out[name].append(result)
    return out


# -- profile --------------------------------------------------------------------------------------------------------
async def profile_tgfleet(adapter: Adapter, session: str, s: Settings) -> str:
    """cProfile of tgfleet's client side: sequential calls, calls in flight, connects (top by own time)."""
    report = io.StringIO()
    client = adapter.saved(session)
    await adapter.connect(client)
    jobs: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("sequential calls", lambda: sequential(adapter, client, 2000)),
        (f"{s.in_flight} calls in flight", lambda: concurrent(adapter, client, s.in_flight, 20)),
        ("connect, existing key (x50)", lambda: _repeat(50, lambda: timed(adapter, session))),
        ("connect, fresh key (x20)", lambda: _repeat(20, lambda: timed(adapter))),
    ]
    for title, job in jobs:
        prof = cProfile.Profile()
        prof.enable()
        await job()
        prof.disable()
        print(f"\n### tgfleet: {title}\n", file=report)
        pstats.Stats(prof, stream=report).sort_stats("tottime").print_stats(12)
    await adapter.disconnect(client)
    return report.getvalue()


async def _repeat(n: int, job: Callable[[], Awaitable[Any]]) -> None:
    for _ in range(n):
        await job()


# -- main -----------------------------------------------------------------------------------------------------------
def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--clients", type=int, help="idle clients per library in the memory row (default 1000; quick 100)")
    p.add_argument("--profile", action="store_true", help="also print a cProfile of tgfleet's client side")
    p.add_argument("--memory-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--dispatch-only", action="store_true", help="only the in-process rows (5.), no sandbox")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


DISPATCH_ROWS = {
    "build": "build a `Message` from each update, read id, chat, sender, text",
    "dispatch": "dispatch through 3 handler groups with filters, until handled",
}


def dispatch_section(s: Settings) -> tuple[str, dict[str, bool], dict[str, dict[str, list[float]]]]:
    """Rows 5 (``dispatch.py``): their table (markdown), goals and samples (updates per second)."""
    print(f"measuring dispatch ({s.dispatched} updates, {s.rounds} runs) ...", file=sys.stderr)
    rates = dispatch.measure(s.dispatched, s.rounds)
    libs = ("tgfleet", "Pyrogram")
    rows, goals = [], {}
    for key, label in DISPATCH_ROWS.items():
        med = {lib: c.median(rates[key][lib]) for lib in libs}
        adv = c.advantage(med["tgfleet"], [med["Pyrogram"]], higher_is_better=True)
        rows.append([label, *(c.fmt_rate(med[lib]) for lib in libs), c.fmt_ratio(adv)])
        goals[f"at least as fast as Pyrogram: {label}"] = adv is not None and adv >= 1
    calls = ", ".join(f"{dispatch.GROUPS[g]} {n:,}" for g, n in dispatch.expected_calls(s.dispatched).items())
    text = (
        f"## Updates to handlers (in this process)\n\nA stream of {s.dispatched:,} new-message updates from"
        f" {dispatch.SENDERS} users (dispatch.py), each library decoding it with its own TL layer before every run"
        f" (not timed). Updates per second, median of {s.rounds} runs after a warm-up. Handler calls per run,"
        f" checked in both libraries: {calls}.\n\n" + c.table(["", *libs, "tgfleet vs Pyrogram"], rows)
    )
    return text, goals, rates


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0], extra=_options)
    if args.memory_worker:
        run_memory_worker()
        return 0
    s = QUICK if args.quick else FULL
    if args.clients:
        s = Settings(**{**s.__dict__, "idle_clients": args.clients})
    if args.dispatch_only:
        c.pin_to(c.LOAD_CPU)
        text, goals, rates = dispatch_section(s)
        print(f"# Client benchmark, in-process rows (Python {sys.version.split()[0]})\n\n{c.NOISE_NOTE}\n\n{text}")
        for label, ok in goals.items():
            print(f"- [{'x' if ok else ' '}] {label}")
        if args.json:
            c.write_json(args.json, {"benchmark": "client", "settings": s.__dict__, "dispatch": rates, "goals": goals})
        return 0
    users = [(PHONES[name], name) for name in LIBS]
    with c.SandboxProcess(users=users) as sandbox:
        pinned = c.pin_to(c.LOAD_CPU)
        info = sandbox.info
        adapters = {name: ADAPTERS[name](info) for name in LIBS}
        print("logging in ...", file=sys.stderr)
        sessions = asyncio.run(login_all(adapters, sandbox))
        print(f"measuring in {s.rounds} interleaved rounds (+1 warm-up) ...", file=sys.stderr)
        samples = asyncio.run(measure(adapters, sessions, sandbox, s))
        print("measuring memory ...", file=sys.stderr)
        # the idle clients of a library share its one login, which Telegram would answer AUTH_KEY_DUPLICATED
        # (and the sandbox models): the row measures a client's memory, so the rule is off for it
        sandbox.request("duplicate_keys", enabled=False)
        memory = measure_memory(info, sessions, s, sandbox)
        sandbox.request("duplicate_keys", enabled=True)
        profile = asyncio.run(profile_tgfleet(adapters["tgfleet"], sessions["tgfleet"], s)) if args.profile else ""
        placement = sandbox.placement() if pinned else sandbox.placement() + " (the load is unpinned)"
    dispatch_text, dispatch_goals, dispatch_rates = dispatch_section(s)  # still pinned as the clients were

    med: dict[str, dict[str, float]] = {
        **{m: {k: c.median(v) for k, v in samples[m].items() if v} for m in METRICS if m != "rtt"},
        "rtt_p50": {k: pct(v, 0.50) for k, v in samples["rtt"].items()},
        "rtt_p99": {k: pct(v, 0.99) for k, v in samples["rtt"].items()},
        "memory_per_client": {
            k: c.median((r["after"] - r["before"]) / r["clients"] for r in v) for k, v in memory.items()
        },
    }
    rows_spec = [
        ("connect(), fresh key", "connect_fresh", False, c.fmt_seconds),
        ("connect(), existing key (logged in)", "connect_saved", False, c.fmt_seconds),
        ("users.getUsers(self) round trip, p50", "rtt_p50", False, c.fmt_seconds),
        ("users.getUsers(self) round trip, p99", "rtt_p99", False, c.fmt_seconds),
        ("sequential calls per second", "sequential", True, c.fmt_rate),
        (f"calls per second, {s.in_flight} in flight", "concurrent", True, c.fmt_rate),
        (f"RSS per connected idle client ({s.idle_clients} clients)", "memory_per_client", False, c.fmt_bytes),
    ]
    wins = {}
    rows = []
    for label, key, higher, fmt in rows_spec:
        m = med[key]
        adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=higher)
        wins[label] = adv is not None and adv > 1
        rows.append([label, *(fmt(m[lib]) for lib in LIBS), c.fmt_ratio(adv)])
        if key in ("connect_fresh", "connect_saved"):  # tgfleet with PFS, against itself without
            with_pfs = med[f"{key}_pfs"]["tgfleet"]
            ratio = f"{with_pfs / m['tgfleet']:.2f}x the time of pfs=False"
            rows.append([label.replace("connect()", "connect(), pfs=True"), fmt(with_pfs), "—", "—", ratio])

    n_rtt = len(samples["rtt"]["tgfleet"])
    print(f"# Client benchmark against the sandbox (Python {sys.version.split()[0]})\n")
    print(c.NOISE_NOTE)
    print(
        f"Placement: {placement}. The sandbox runs with rate limits off (tgfleet.sandbox.Limits: requests,"
        " messages and the new-account rates set to None; room for 1M sessions per key and 16k connections)."
        f" Every library speaks the abridged transport to DC {info['default_dc']}, 2048-bit sandbox RSA key."
        f" {s.rounds} interleaved rounds after a warm-up round: per round and library {s.connects} connects of"
        f" each kind, {s.sequential_calls} sequential calls (p50/p99 over all {n_rtt}; calls/s = median of the"
        f" rounds), and {s.in_flight} workers x {s.calls_per_worker} calls on one client (median of the rounds)."
        f" Memory: {s.memory_runs} fresh process(es) per library, pinned like the load; each connects one warm-up"
        f" client, then {s.idle_clients} clients restored from the same logged-in session string ({s.connect_batch}"
        f" at a time; one auth key, a session and a TCP connection each), idles {s.idle_seconds:g} s; median of"
        " (RSS after - RSS before) / clients, gc.collect() before each reading.\n"
    )
    print("## Side by side (ratio: above 1 means tgfleet is better than the best peer)\n")
    print(c.table(["", *LIBS, "tgfleet vs best peer"], rows))
    print("\nWhat connect() does in each library:\n")
    for name, adapter in adapters.items():
        print(f"- {name}: {adapter.connect_does}.")
    print("\nMemory runs (RSS delta / clients connected / sandbox connections seen / seconds to connect them):\n")
    for name in LIBS:
        runs = ", ".join(
            f"{c.fmt_bytes(r['after'] - r['before'])} / {r['connected']} / {r['server_connections']}"
            f" / {r['seconds']:.1f} s"
            for r in memory[name]
        )
        print(f"- {name}: {runs}")
    print(
        "\n## Where the time goes in the throughput rows\n\nClient CPU per call = CPU time of this process"
        " (user + system) / calls, the client library's own cost; sandbox busy = sandbox CPU time / wall time in"
        " the same samples (near 100% would mean the row measures the sandbox; see sandbox.py for its capacity)."
        " Medians of the rounds.\n"
    )
    rows = []
    for label, key in (
        ("client CPU per call, sequential", "sequential_client_cpu"),
        (f"client CPU per call, {s.in_flight} in flight", "concurrent_client_cpu"),
    ):
        m = med[key]
        adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=False)
        rows.append([label, *(c.fmt_seconds(m[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    for label, key in (
        ("sandbox busy, sequential", "sequential_sandbox_busy"),
        (f"sandbox busy, {s.in_flight} in flight", "concurrent_sandbox_busy"),
    ):
        rows.append([label, *(f"{med[key][lib]:.0%}" for lib in LIBS), ""])
    print(c.table(["", *LIBS, "tgfleet vs best peer"], rows))

    print(f"\n{dispatch_text}")

    per_1000 = med["memory_per_client"]["tgfleet"] * 1000
    scaled = "" if s.idle_clients == 1000 else f", scaled from {s.idle_clients} clients"
    goals = {
        "tgfleet ahead of both peers on every row of the side-by-side table": all(wins.values()),
        f"1,000 idle connected tgfleet clients in under 200 MB ({per_1000 / 1e6:.0f} MB{scaled})": per_1000 < 200e6,
        **dispatch_goals,
    }
    print("\n## Goals\n")
    for text, ok in goals.items():
        print(f"- [{'x' if ok else ' '}] {text}")
    for label, ok in wins.items():
        if not ok:
            print(f"  - behind a peer: {label}")
    if profile:
        print("\n## Profile of tgfleet's client side (cProfile, top by own time)")
        print(profile)
    if args.json:
        c.write_json(
            args.json,
            {
                "benchmark": "client",
                "settings": s.__dict__,
                "placement": placement,
                "samples": samples,
                "memory": memory,
                "dispatch": dispatch_rates,
                "medians": med,
                "goals": goals,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
