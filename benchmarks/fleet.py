"""One tgfleet worker running 1,000 accounts with existing keys against a sandbox in its own process, on SQLite and on
PostgreSQL; and (``--chaos N``) N random ``kill -9`` of two busy workers, after which no account is revoked, no auth
key was ever used on two connections at once and the sandbox never answered AUTH_KEY_DUPLICATED (the run exits
non-zero otherwise).

Rows per store (the worker is ``tgfleet fleet worker`` with the default lease settings: TTL 30 s, renew every 10 s):

- start to all connected: from spawning the worker to its 1,000th ``connected`` event (in brackets: from its
  ``started`` event, so without the interpreter's start and imports);
- worker RSS: the worker process's VmRSS once all are connected (goal: under 150 MB);
- idle CPU per hour: the worker's CPU time (user + system) over ``--idle`` seconds (default 180) of nothing but
  keep-alive pings (every 60 s per account), lease renewals (one statement every 10 s) and its polls, scaled to an
  hour;
- renew 1,000 leases: the renewal statement, measured beside the running worker on the same store (median of 15);
- drain: SIGTERM to exit, every account disconnected, its session flushed, its lease handed back.

The accounts' keys are made the way the standalone sandbox's ``--state`` restores them (a permanent key on the DC and
its login: the sandbox child's ``seed``), so no key exchange is spent. The store is a file in a temporary directory,
or a throwaway local PostgreSQL cluster started as the tests start it (fsync off: optimistic absolute numbers).

Run: ``.venv/bin/python benchmarks/fleet.py [--quick] [--json out.json] [--accounts 1000] [--idle 180] [--chaos 30]``
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

from fleet_store import engines

from tests.fleet.helpers import pyrogram_string
from tests.fleet.workers import BUSY_WORKER, WorkerProcess
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.fleet import Fleet, Lease

BENCH_KEY = bytes(range(32))
"""A throwaway seal key (no key file is left behind); the worker processes get it through $TGFLEET_FLEET_KEY."""
RENEWALS = 15
CHAOS_TTL = 3.0
CHAOS_ACCOUNTS = 20


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def populate(url: str, seeded: list[list[Any]], api_id: int, prefix: str) -> float:
    """Import the seeded accounts into a fresh store; seconds it took."""
    started = time.perf_counter()
    async with Fleet.open(url, seal_key=BENCH_KEY) as fleet:
        for i, (user_id, dc, key) in enumerate(seeded):
            text = pyrogram_string(dc_id=dc, user_id=user_id, api_id=api_id, key=bytes.fromhex(key))
            await fleet.accounts.import_session(text, label=f"{prefix}{i}")
    return time.perf_counter() - started


async def renew_cost(url: str, worker_id: str) -> list[float]:
    """The renewal of the worker's leases, from another handle, while the worker runs (it renews the same rows)."""
    async with Fleet.open(url, seal_key=BENCH_KEY) as fleet:
        worker = await fleet.workers.get(worker_id)
        held = [
            Lease(i.resource, worker_id, i.epoch, i.expires_at, i.account_id, i.host or "", i.pid or 0)
            for i in await fleet.leases.list()
            if i.holder == worker_id
        ]
        samples = []
        for _ in range(RENEWALS):
            started = time.perf_counter()
            result = await fleet.leases.renew(worker, held)
            samples.append(time.perf_counter() - started)
            assert not result.lost, f"{len(result.lost)} leases lost"
        return samples


async def one_worker(url: str, info: Path, count: int, idle: float) -> dict[str, Any]:
    spawned = time.perf_counter()
    worker = await WorkerProcess.cli(url, info, "--capacity", str(count), ttl=30.0)
    try:
        await worker.events.until(lambda: worker.events.of("started"), timeout=120, what="started")
        started = time.perf_counter()
        await worker.events.until(lambda: len(worker.events.connected()) == count, timeout=600, what="all connected")
        connected = time.perf_counter()
        pid = worker.proc.pid
        rss = proc_rss(pid)
        cpu_before, wall_before = proc_cpu(pid), time.perf_counter()
        await asyncio.sleep(idle)  # the measurement window: the worker keeps its accounts alive, nothing else
        cpu = proc_cpu(pid) - cpu_before
        window = time.perf_counter() - wall_before
        renewals = await renew_cost(url, worker.id)
        errors = worker.events.of("error") + worker.events.of("fenced")
        draining = time.perf_counter()
        worker.signal(signal.SIGTERM)
        code = await worker.exited(timeout=300)
        drained = time.perf_counter()
    finally:
        await worker.close()
    return {
        "connect_all_s": connected - spawned,
        "connect_from_started_s": connected - started,
        "rss_bytes": rss,
        "idle_window_s": window,
        "idle_cpu_s": cpu,
        "idle_cpu_per_hour_s": cpu / window * 3600,
        "renew_samples_s": renewals,
        "renew_median_s": c.median(renewals),
        "drain_s": drained - draining,
        "exit_code": code,
        "errors": len(errors),
        "released": len(worker.events.of("released")),
    }


async def chaos(url: str, info: Path, sandbox: c.SandboxProcess, kills: int, seed_value: int) -> dict[str, Any]:
    """``kills`` random kill -9 of two busy workers (restarted each time), then every account running again."""
    rng = random.Random(seed_value)
    args = (url, str(info), str(CHAOS_TTL), "1.0")
    workers = [await WorkerProcess.script(BUSY_WORKER, *args) for _ in range(2)]
    started = time.perf_counter()
    try:
        for _ in range(kills):
            await asyncio.sleep(rng.uniform(0.2, 2.0))  # a random moment, accounts busy
            victim = rng.randrange(2)
            workers[victim].signal(signal.SIGKILL)
            await workers[victim].close()
            workers[victim] = await WorkerProcess.script(BUSY_WORKER, *args)
        async with Fleet.open(url, seal_key=BENCH_KEY) as fleet:
            while True:  # every account held and connected again (bounded by the takeover of the last victim)
                held = {i.label: i.holder for i in await fleet.leases.list() if i.live}
                connected = {label for w in workers for label in w.events.connected()}
                if len(held) == CHAOS_ACCOUNTS and connected == set(held):
                    break
                if time.perf_counter() - started > 600:
                    raise RuntimeError("the accounts did not all run again within 10 minutes")
                await asyncio.sleep(0.2)
            states = [a.state.value for a in await fleet.accounts.list()]
    finally:
        for w in workers:
            await w.close()
    overlaps = sandbox.request("overlaps")["overlaps"]
    duplicated = sandbox.stats()["auth_key_duplicated"]  # the sandbox's count of AUTH_KEY_DUPLICATED answers so far
    return {
        "kills": kills,
        "seed": seed_value,
        "revoked": states.count("revoked"),
        "needs_login": states.count("needs_login"),
        "overlaps": len(overlaps),
        "auth_key_duplicated": duplicated,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    def options(p: Any) -> None:
        p.add_argument("--accounts", type=int, default=1000, help="accounts the worker runs (default 1000)")
        p.add_argument("--idle", type=float, help="seconds of idle CPU measurement (default 180; --quick: 20)")
        p.add_argument("--chaos", type=int, default=0, metavar="N", help="also N random kill -9s (e.g. 30)")

    args = c.parse_args(__doc__.splitlines()[0], extra=options)
    idle = args.idle or (20.0 if args.quick else 180.0)
    os.environ["TGFLEET_FLEET_KEY"] = base64.b64encode(BENCH_KEY).decode()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp, c.SandboxProcess(dcs=2) as sandbox:
        c.pin_to(c.LOAD_CPU)  # after the sandbox child took CPU 0; the workers and PostgreSQL inherit CPU 1
        sb = sandbox.info
        info = Path(tmp) / "sandbox.json"
        info.write_text(
            SandboxInfo(
                [tuple(d) for d in sb["dcs"]],
                sb["public_key_pem"],
                sb["api_id"],  # type: ignore[misc]
                sb["api_hash"],
                sb["default_dc"],
            ).to_json()
        )
        makers, cleanup = engines(Path(tmp))
        try:
            for n, (engine, make) in enumerate(makers.items()):
                url = make()
                seeded = sandbox.request("seed", count=args.accounts)["accounts"]
                imported = asyncio.run(populate(url, seeded, sb["api_id"], f"e{n}-"))
                results[engine] = asyncio.run(one_worker(url, info, args.accounts, idle)) | {"import_s": imported}
                if args.chaos:
                    url = make()
                    asyncio.run(
                        populate(url, sandbox.request("seed", count=CHAOS_ACCOUNTS)["accounts"], sb["api_id"], f"c{n}-")
                    )
                    results[f"{engine} chaos"] = asyncio.run(
                        chaos(url, info, sandbox, args.chaos, random.randrange(1 << 30))
                    )
        finally:
            cleanup()
        placement = sandbox.placement()
    report(results, args.accounts, idle, placement)
    if args.json:
        c.write_json(args.json, {"accounts": args.accounts, "idle_s": idle, "results": results})
    broken = [n for n, r in results.items() if n.endswith("chaos") and (r["revoked"] or r["auth_key_duplicated"])]
    if broken:  # the invariant of the chaos runs: no key ever punished as used twice, no account revoked
        raise SystemExit(f"chaos broke the fleet's invariant ({', '.join(broken)}): see the lines above")


def report(results: dict[str, Any], count: int, idle: float, placement: str) -> None:
    engines = [e for e in results if not e.endswith("chaos")]
    rows = [
        [f"start to all {count:,} connected"]
        + [
            f"{c.fmt_seconds(results[e]['connect_all_s'])} ({c.fmt_seconds(results[e]['connect_from_started_s'])})"
            for e in engines
        ],
        ["worker RSS, all connected"] + [c.fmt_bytes(results[e]["rss_bytes"]) for e in engines],
        ["idle CPU per hour (keep-alive, renewals)"] + [f"{results[e]['idle_cpu_per_hour_s']:.0f} s" for e in engines],
        [f"renew {count:,} leases (one statement)"] + [c.fmt_seconds(results[e]["renew_median_s"]) for e in engines],
        [f"drain {count:,} (SIGTERM to exit)"] + [c.fmt_seconds(results[e]["drain_s"]) for e in engines],
        [f"import {count:,} sessions"] + [c.fmt_seconds(results[e]["import_s"]) for e in engines],
    ]
    print(c.table(["`benchmarks/fleet.py` (one worker)", *engines], rows))
    print(f"\nidle CPU measured over {idle:.0f} s and scaled to an hour; {placement}; one run on a shared machine")
    for name, r in results.items():
        if name.endswith("chaos"):
            print(
                f"{name}: {r['kills']} kill -9s (seed {r['seed']}) in {r['seconds']:.0f} s: {r['revoked']} revoked,"
                f" {r['needs_login']} needing a login, {r['overlaps']} keys ever on two connections at once,"
                f" {r['auth_key_duplicated']} AUTH_KEY_DUPLICATED answers"
            )
        elif r["errors"] or r["exit_code"] != 0:
            print(f"{name}: {r['errors']} account errors, exit code {r['exit_code']}")


if __name__ == "__main__":
    main()
