"""Pieces of the worker tests: accounts with existing keys in a sandbox and a store, worker events awaited, and
workers as OS processes (``tgfleet fleet worker --json`` or a script) whose JSON event lines are read as they come.

Existing keys: each account is a sandbox user with a permanent auth key on its DC and that key's login, put there
the way the standalone sandbox's ``--state`` file restores them (``Sandbox.restore_key`` and the world's
``auths.authorize``), and the same key imported into the store as a Pyrogram session string. A Client on that
session is logged in without a key exchange, as after a real login (``test_fenced_client.py`` does a real one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.fleet import Fleet
from tgfleet.fleet.store import Store, open_store
from tgfleet.fleet.worker_events import WorkerEvent
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.world import World

from .helpers import pyrogram_string

TIMEOUT = 60.0
"""Seconds any awaited worker event may take on a loaded machine (nothing waits this long normally)."""
_phones = itertools.count(1)


@dataclass(frozen=True)
class Seeded:
    label: str
    account_id: int
    user_id: int
    key_id: int


async def seed(
    tg: Sandbox,
    fleet: Fleet,
    count: int,
    *,
    prefix: str = "acct",
    dc: int = 2,
    proxy: str | None = None,
    policy: dict[str, Any] | None = None,
    pool: str = "default",
) -> list[Seeded]:
    """``count`` accounts with existing keys, in the sandbox and in the store (in ``pool``)."""
    world = tg.world
    assert isinstance(world, World)
    out = []
    for i in range(count):
        user = tg.add_user(f"+1556{next(_phones):07d}", f"{prefix} {i}", dc=dc)
        key = os.urandom(256)
        tg.restore_key(dc, key)
        world.auths.authorize(auth_key_id(key), user.id, dc)
        text = pyrogram_string(dc_id=dc, user_id=user.id, api_id=tg.api_id, key=key)
        account = await fleet.accounts.import_session(text, label=f"{prefix}{i}", proxy=proxy, policy=policy, pool=pool)
        out.append(Seeded(account.label, account.id, user.id, auth_key_id(key)))
    return out


def write_info(tg: Sandbox, path: Path) -> Path:
    """The sandbox's info file, as ``tgfleet sandbox --info FILE`` writes it."""
    dcs = [(a.dc_id, a.host, a.port) for a in tg.dc_addresses]
    path.write_text(SandboxInfo(dcs, tg.public_key_pem, tg.api_id, tg.api_hash, tg.default_dc).to_json())
    return path


@dataclass
class Events:
    """A worker's events as they come (``Worker(on_event=events.add)``, or parsed JSON lines), and waits on them."""

    seen: list[dict[str, Any]] = field(default_factory=list)
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def add(self, event: WorkerEvent | dict[str, Any]) -> None:
        if isinstance(event, WorkerEvent):
            event = {"event": event.kind, **{k: v for k, v in vars(event).items() if k != "kind"}}
        self.seen.append(event)
        self.nudge()

    def nudge(self) -> None:
        """Wake every wait now (something its condition looks at, besides the events, changed)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def next_change(self) -> None:
        """Return at the next event (or nudge)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    def of(self, kind: str, account: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.seen if e["event"] == kind and (account is None or e["account"] == account)]

    def connected(self) -> dict[str, int]:
        """label -> epoch of the latest ``connected`` event of each account not fenced or released since."""
        out: dict[str, int] = {}
        for e in self.seen:
            if e["event"] == "connected":
                out[e["account"]] = e["epoch"]
            elif e["event"] in ("fenced", "released") and out.get(e["account"]) == e["epoch"]:
                del out[e["account"]]
        return out

    async def until(self, condition: Callable[[], Any], timeout: float = TIMEOUT, what: str = "") -> Any:
        """Wait (bounded) until ``condition()`` is truthy, re-checked on every event; its value."""

        async def wait() -> Any:
            while not (value := condition()):
                await self.next_change()
            return value

        try:
            return await within(wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"not within {timeout} s: {what or condition}; events: {self.seen[-15:]}") from None


# A worker script with a busy job (every account sends itself a message every 0.1 s, so its update state always has a
# change waiting) and a given flush delay (a long one keeps the changes in memory: a stale holder certainly has
# writes to make). Events as JSON lines, SIGTERM drains. Arguments: store URL, sandbox info file, lease TTL, flush
# delay, and optionally the idle-in-transaction limit (LeaseSettings.idle_transaction_limit; 0: none) and the renew
# interval (0 or none: a third of the TTL; a short one keeps a renewal, which locks the worker's lease rows, under way).
# (benchmarks/fleet.py runs it too.)
BUSY_WORKER = """
import asyncio, dataclasses, json, signal, sys
from pathlib import Path
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.worker import Worker

store, info_path, ttl, flush_delay = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
idle_limit = float(sys.argv[5]) if len(sys.argv) > 5 else None
renew = float(sys.argv[6]) if len(sys.argv) > 6 and float(sys.argv[6]) > 0 else ttl / 3

async def job(client, account):
    while True:
        await client.send_message("me", "busy")
        await asyncio.sleep(0.1)

def emit(event):
    data = dataclasses.asdict(event)
    data["event"] = data.pop("kind")
    print(json.dumps(data, default=str), flush=True)

async def main():
    info = SandboxInfo.load(info_path)
    settings = LeaseSettings(ttl=ttl, renew_interval=renew, grace=ttl / 3, idle_transaction_limit=idle_limit)
    async with Fleet.open(store, create=False, settings=settings) as fleet:
        worker = Worker(fleet, network=info.network(), api_id=info.api_id, api_hash=info.api_hash, job=job,
                        flush_delay=flush_delay, on_event=emit, client_options={"timeout": 10.0})
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, worker.drain)
        await worker.run()

asyncio.run(main())
"""


class WorkerProcess:
    """A worker in a child process; ``events`` fills from its stdout (one JSON object a line)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.events = Events()
        self.other_lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def cli(cls, store_url: str, info: Path, *args: str, ttl: float = 3.0) -> WorkerProcess:
        return await cls.start("-m", "tgfleet.cli", "fleet", "worker", "--store", store_url, "--sandbox-info",
                               str(info), "--lease-ttl", str(ttl), "--json", *args)  # fmt: skip

    @classmethod
    async def script(cls, code: str, *args: str) -> WorkerProcess:
        return await cls.start("-c", code, *args)

    @classmethod
    async def start(cls, *argv: str) -> WorkerProcess:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
        )
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            line = raw.decode(errors="replace").strip()
            try:
                self.events.add(json.loads(line))
            except ValueError:
                self.other_lines.append(line)
        self.events.add({"event": "exited", "account": None})

    @property
    def id(self) -> str:
        started = self.events.of("started")
        assert started, "the worker has not started"
        return str(started[0]["worker"])

    async def started(self) -> str:
        await self.events.until(lambda: self.events.of("started"), what="the worker started")
        return self.id

    def signal(self, sig: signal.Signals) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)

    async def exited(self, timeout: float = TIMEOUT) -> int:
        try:
            code = await within(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"the worker did not exit within {timeout} s") from None
        await self._reader
        return code

    async def stderr(self) -> str:
        assert self.proc.stderr is not None
        return (await self.proc.stderr.read()).decode(errors="replace")

    async def close(self) -> None:
        """Kill it if it still runs (test teardown)."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)


def holders(infos: Sequence[Any]) -> dict[str, str | None]:
    """label -> live holder, from ``fleet.leases.list()``."""
    return {i.label: (i.holder if i.live else None) for i in infos if i.label is not None}


async def stop_outside_a_transaction(worker: WorkerProcess, store_url: str) -> None:
    """SIGSTOP the worker at a moment it holds no store lock: a stopped process holding SQLite's write lock (or
    PostgreSQL row locks in an open transaction) would stop every other writer too, which is not this test."""
    probe = await open_store(store_url)
    try:
        for _ in range(100):
            worker.signal(signal.SIGSTOP)
            if await holds_no_lock(probe, store_url):
                return
            worker.signal(signal.SIGCONT)
            await asyncio.sleep(0.05)  # let it finish its transaction, then try again
        raise AssertionError("the worker was inside a transaction at every attempt")
    finally:
        await probe.close()


async def holds_no_lock(probe: Store, store_url: str) -> bool:
    if store_url.startswith("sqlite"):
        path = store_url.removeprefix("sqlite:///")

        def try_lock() -> bool:
            conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError:
                return False
            finally:
                conn.close()

        return await asyncio.to_thread(try_lock)
    # A statement the stopped worker sent just before the stop may still run ('active'); once it has, an open
    # transaction shows as 'idle in transaction'. So: wait (bounded) for a moment with nothing active but the
    # probe, then look for open transactions; a worker that keeps another backend busy counts as holding a lock.
    for _ in range(50):
        async with probe.transaction(readonly=True) as tx:
            active, open_ = (await tx.fetch(_ACTIVITY))[0]
        if not active:
            return not open_
        await asyncio.sleep(0.02)
    return False


_ACTIVITY = (
    "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state LIKE 'idle in transaction%')"
    " FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
    " AND datname = current_database()"
)


async def stop_inside_a_transaction(worker: WorkerProcess, store_url: str, table: str = "accounts") -> None:
    """SIGSTOP the worker (PostgreSQL) at a moment one of its store sessions is inside a transaction that changed
    rows of ``table`` (``accounts``: a fenced write; ``leases``: a renewal), so it holds their row locks (``pg_locks``:
    its RowExclusiveLock on the table), its backend idle in the transaction or waiting for the rest of a pipeline
    (``ClientRead``). The sessions are found by the name the worker's row records (``workers.session``)."""
    probe = await open_store(store_url)
    try:
        async with probe.transaction(readonly=True) as tx:
            name = await tx.scalar("SELECT session FROM workers WHERE id = :id", {"id": worker.id})
        assert name, "the worker's row names no store session"
        for _ in range(400):
            worker.signal(signal.SIGSTOP)
            if await locks_rows(probe, str(name), table):
                return
            worker.signal(signal.SIGCONT)
            await asyncio.sleep(0.02)  # let it go on, then try again
        raise AssertionError(f"the worker was never caught inside a transaction holding rows of {table}")
    finally:
        await probe.close()


async def locks_rows(probe: Store, name: str, table: str) -> bool:
    # A statement the stopped worker sent just before the stop may still run: wait (bounded) until none of its
    # sessions executes anything (each is idle, or reads from the stopped client), then look at their locks.
    for _ in range(50):
        async with probe.transaction(readonly=True) as tx:
            busy, locking = (await tx.fetch(_SESSION_LOCKS, {"name": name, "table": table}))[0]
        if not busy:
            return bool(locking)
        await asyncio.sleep(0.02)
    return False


_SESSION_LOCKS = (
    "SELECT count(*) FILTER (WHERE a.state = 'active' AND a.wait_event IS DISTINCT FROM 'ClientRead'),"
    " (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity b ON b.pid = l.pid WHERE b.application_name = :name"
    " AND b.xact_start IS NOT NULL AND l.granted AND l.mode = 'RowExclusiveLock'"
    " AND l.relation = CAST(:table AS regclass))"
    " FROM pg_stat_activity a WHERE a.application_name = :name"
)


async def sessions_locking(store_url: str, worker_id: str, table: str = "accounts") -> int:
    """How many store sessions of the worker's process are inside a transaction that changed rows of ``table`` now
    (PostgreSQL; another of its sessions may be inside one that blocks nobody, which the takeover leaves alone)."""
    probe = await open_store(store_url)
    try:
        async with probe.transaction(readonly=True) as tx:
            return int(await tx.scalar(
                "SELECT count(DISTINCT b.pid) FROM pg_locks l JOIN pg_stat_activity b ON b.pid = l.pid"
                " WHERE b.xact_start IS NOT NULL AND l.granted AND l.mode = 'RowExclusiveLock'"
                " AND l.relation = CAST(:table AS regclass)"
                " AND b.application_name = (SELECT session FROM workers WHERE id = :id)",
                {"id": worker_id, "table": table},
            ))  # fmt: skip
    finally:
        await probe.close()
