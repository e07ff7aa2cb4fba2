"""The sandbox under hostile connections, at full size (issue 10; tests/sandbox/test_hostile.py runs it small).

    .venv/bin/python benchmarks/hostile.py [--quick] [--json out.json] [--hostile 500] [--rpcs 1000] [--trickle 8]

The sandbox runs in a child process pinned to CPU 0 (``_common.SandboxProcess``) with its default ``Limits``
(only the per-account rate limits off), so its RSS is its own. The attack runs in another child process
(this script with ``--attack-worker``), the good client in this one, both pinned to CPU 1: ``--hostile``
connections of mixed kinds (tests/sandbox/attacks.py: random bytes, slowloris at one byte every
``--trickle`` seconds, maximum-size unfinished frames, req_pq_multi floods, half-finished key exchanges,
random auth_key_ids, connections that never send), each reconnecting when the sandbox closes it.

A ``tgfleet.Client`` logged in before the attack makes ``--rpcs`` sequential ``users.getUsers(self)`` calls
without the attack, then as many under it, while new clients connect (a fresh key) and log in. The script
samples the sandbox's RSS (/proc/PID/status) throughout, stops the attack, waits until only the good client's
connection is left and reads it once more. Goals: no failed call, every new client logged in, the RSS within
100 MB of its start during the attack and back within 16 MB after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

PHONE = "+15550900000"
NEW_PHONES = [f"+155509001{i:02d}" for i in range(20)]


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hostile", type=int, default=500, help="hostile connections (default 500)")
    p.add_argument("--rpcs", type=int, default=1000, help="sequential calls of the good client (default 1000)")
    p.add_argument("--trickle", type=float, default=8.0, help="seconds between slowloris bytes (default 8)")
    p.add_argument("--new-clients", type=int, default=5, help="clients that log in during the attack (default 5)")
    p.add_argument("--duration", type=float, default=40.0, help="seconds the attack lasts at least (default 40)")
    p.add_argument("--attack-worker", action="store_true", help=argparse.SUPPRESS)


# -- the attack, in a child process -----------------------------------------------------------------------------
async def attack_worker(job: dict[str, Any]) -> None:
    """Keep the attack up until a line arrives on stdin; print one JSON line when up and one with the outcomes."""
    from tests.sandbox.attacks import Attack, Target
    from tgfleet.crypto.rsa import RsaPublicKey

    key = RsaPublicKey.from_pem(job["public_key_pem"])
    target = Target(job["host"], job["port"], job["dc"], key, job["max_packet"], trickle=job["trickle"])
    attack = Attack(target, job["hostile"])
    await attack.start()
    print(json.dumps({"up": attack.open}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await attack.stop()
    outcomes: dict[str, dict[str, int]] = {}
    for (kind, how), n in attack.outcomes.items():
        outcomes.setdefault(kind, {})[how] = n
    print(json.dumps({"outcomes": outcomes}), flush=True)


def run_attack_worker() -> None:
    c.pin_to(c.LOAD_CPU)
    import logging

    logging.getLogger("asyncio").setLevel(logging.ERROR)  # "socket.send() raised exception." as the sandbox hangs up
    asyncio.run(attack_worker(json.loads(sys.stdin.readline())))


class AttackProcess:
    def __init__(self, job: dict[str, Any]) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, __file__, "--attack-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=c.subprocess_env(),
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(job) + "\n")
        self._proc.stdin.flush()
        self.up = json.loads(self._proc.stdout.readline())["up"]

    def stop(self) -> dict[str, dict[str, int]]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write("stop\n")
        self._proc.stdin.flush()
        outcomes: dict[str, dict[str, int]] = json.loads(self._proc.stdout.readline())["outcomes"]
        self._proc.wait(timeout=60)
        return outcomes


class RssSampler:
    """The sandbox's RSS every 0.2 s, in a thread (the event loop may be busy)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._on = False
        self._thread: threading.Thread | None = None

    def now(self) -> int:
        return c.rss_bytes(self.pid)

    def start(self) -> None:
        self._on = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._on = False
        if self._thread is not None:
            self._thread.join()
        return self.peak

    def _run(self) -> None:
        while self._on:
            self.peak = max(self.peak, self.now())
            time.sleep(0.2)


# -- the good client ------------------------------------------------------------------------------------------------
def make_client(info: dict[str, Any], name: str) -> Any:
    from tgfleet import Client
    from tgfleet.client.ratelimit import RateLimits
    from tgfleet.crypto.rsa import RsaPublicKey
    from tgfleet.net import DcAddress, Network

    key = RsaPublicKey.from_pem(info["public_key_pem"])
    network = Network(tuple(DcAddress(d, h, p) for d, h, p in info["dcs"]), (key,), False, info["default_dc"])
    options = {"in_memory": True, "network": network, "rate_limits": RateLimits.disabled()}
    return Client(name, info["api_id"], info["api_hash"], **options)


async def log_in(client: Any, sandbox: c.SandboxProcess, phone: str) -> float:
    started = time.perf_counter()
    await client.connect()
    sent = await client.send_code(phone)
    await client.sign_in(phone, sent.phone_code_hash, sandbox.login_code(phone))
    return time.perf_counter() - started


async def calls(client: Any, n: int) -> tuple[list[float], list[str]]:
    from tgfleet.tl import functions, types

    request = functions.users.GetUsers(id=[types.InputUserSelf()])
    times: list[float] = []
    errors: list[str] = []
    for _ in range(n):
        started = time.perf_counter()
        try:
            await client.invoke(request)
        except Exception as e:  # every kind counts: the goal is none
            errors.append(repr(e))
        times.append(time.perf_counter() - started)
    return times, errors


async def new_clients(info: dict[str, Any], sandbox: c.SandboxProcess, count: int) -> tuple[list[float], list[str]]:
    took: list[float] = []
    failed: list[str] = []
    for i in range(count):
        client = make_client(info, f"new{i}")
        try:
            took.append(await log_in(client, sandbox, NEW_PHONES[i]))
        except Exception as e:
            failed.append(repr(e))
        finally:
            await client.disconnect()
    return took, failed


def settle(sandbox: c.SandboxProcess, dc: str, connections: int, timeout: float = 90.0) -> float:
    """Seconds until the sandbox has ``connections`` open on ``dc`` (or the timeout)."""
    started = time.monotonic()
    while int(sandbox.stats()["connections"][dc]) > connections and time.monotonic() - started < timeout:
        time.sleep(0.2)
    return time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run(args: Any) -> dict[str, Any]:
    users = [(PHONE, "Good"), *((p, "New") for p in NEW_PHONES[: args.new_clients])]
    no_rate_limits = {"requests": None, "messages": None, "new_account_requests": None, "new_account_messages": None}
    with c.SandboxProcess(dcs=2, users=users, limits=no_rate_limits) as sandbox:
        c.pin_to(c.LOAD_CPU)  # after the sandbox took CPU 0 (the attack worker pins itself too)
        info, dc = sandbox.info, str(sandbox.info["default_dc"])
        print(f"# {sandbox.placement()}", file=sys.stderr)
        good = make_client(info, "good")
        await log_in(good, sandbox, PHONE)
        baseline, base_errors = await calls(good, args.rpcs)
        sampler = RssSampler(info["pid"])
        start = sampler.now()
        host, port = sandbox.address
        job = {"host": host, "port": port, "dc": info["default_dc"], "public_key_pem": info["public_key_pem"]}
        job.update(max_packet=(1 << 20) + (16 << 10), trickle=args.trickle, hostile=args.hostile)
        sampler.start()
        attack = AttackProcess(job)
        during = sandbox.stats()
        print(f"# attack up: {attack.up} hostile connections open; sandbox: {during}", file=sys.stderr)
        t0 = time.perf_counter()
        (times, errors), (logins, failed) = await asyncio.gather(
            calls(good, args.rpcs), new_clients(info, sandbox, args.new_clients)
        )
        attacked = time.perf_counter() - t0
        await asyncio.sleep(max(0.0, args.duration - attacked))  # the handshake deadline (30 s) passes too
        during = sandbox.stats()
        outcomes = attack.stop()
        peak = sampler.stop()
        settled = settle(sandbox, dc, 1)
        time.sleep(1.0)
        after = sampler.now()
        await good.disconnect()
    return {
        "hostile": args.hostile,
        "trickle": args.trickle,
        "rpcs": args.rpcs,
        "baseline": {"p50": pct(baseline, 0.5), "p99": pct(baseline, 0.99), "errors": base_errors},
        "attacked": {"p50": pct(times, 0.5), "p99": pct(times, 0.99), "errors": errors, "seconds": attacked},
        "attack_seconds": max(attacked, args.duration),
        "logins": {"ok": len(logins), "failed": failed, "median": c.median(logins) if logins else None},
        "rss": {"start": start, "peak": max(peak, start), "after": after, "settle_seconds": settled},
        "sandbox_during": during,
        "outcomes": outcomes,
    }


def report(r: dict[str, Any]) -> str:
    base, hit, rss, logins = r["baseline"], r["attacked"], r["rss"], r["logins"]
    rows = [
        ("sequential calls: failed", f"{len(base['errors'])} of {r['rpcs']}", f"{len(hit['errors'])} of {r['rpcs']}"),
        (
            "call p50 / p99",
            f"{c.fmt_seconds(base['p50'])} / {c.fmt_seconds(base['p99'])}",
            f"{c.fmt_seconds(hit['p50'])} / {c.fmt_seconds(hit['p99'])}",
        ),
        (
            "new clients logged in (median time)",
            "—",
            f"{logins['ok']} of {logins['ok'] + len(logins['failed'])} ({c.fmt_seconds(logins['median'] or 0)})",
        ),
        (
            "sandbox RSS: start / peak / after",
            "—",
            f"{c.fmt_bytes(rss['start'])} / {c.fmt_bytes(rss['peak'])} / {c.fmt_bytes(rss['after'])}",
        ),
    ]
    out = [
        f"{r['hostile']} hostile connections (slowloris at one byte / {r['trickle']:g} s) for"
        f" {r['attack_seconds']:.0f} s, sandbox defaults:",
        "",
    ]
    out.append(c.table(["", "no attack", "under attack"], rows))
    kinds = [(k, ", ".join(f"{n} {how}" for how, n in sorted(v.items()))) for k, v in sorted(r["outcomes"].items())]
    out += ["", c.table(["hostile kind", "connections by how they ended"], kinds)]
    return "\n".join(out)


def goals(r: dict[str, Any]) -> list[str]:
    rss, failed = r["rss"], []
    if r["attacked"]["errors"]:
        failed.append(f"{len(r['attacked']['errors'])} calls failed under attack: {r['attacked']['errors'][:3]}")
    if r["logins"]["failed"]:
        failed.append(f"new clients failed to log in: {r['logins']['failed'][:3]}")
    if rss["peak"] - rss["start"] > 100e6:
        failed.append(f"RSS grew by {c.fmt_bytes(rss['peak'] - rss['start'])} during the attack (goal: 100 MB)")
    if rss["after"] - rss["start"] > 16 << 20:
        failed.append(f"RSS stayed {c.fmt_bytes(rss['after'] - rss['start'])} above its start (goal: 16 MiB)")
    return failed


def main() -> int:
    if "--attack-worker" in sys.argv:
        run_attack_worker()
        return 0
    args = c.parse_args(__doc__.splitlines()[0], extra=_options)
    if args.quick:
        args.hostile, args.rpcs = min(args.hostile, 100), min(args.rpcs, 200)
        args.new_clients, args.duration = min(args.new_clients, 2), min(args.duration, 5.0)
    result = asyncio.run(run(args))
    print(report(result))
    failed = goals(result)
    print("\ngoals: " + ("all met" if not failed else "MISSED:\n  " + "\n  ".join(failed)))
    if args.json:
        c.write_json(Path(args.json), result)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
