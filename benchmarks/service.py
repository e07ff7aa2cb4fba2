"""The fleet's HTTP API under load: requests per second and p99 latency of ``POST /v1/outbox`` and
``GET /v1/accounts`` (a page of 100) with 1,000 accounts and 50 concurrent clients, on SQLite and PostgreSQL.

The service is ``tgfleet fleet api`` (uvicorn, one process, no worker) in a child process; the clients are httpx
connections of this process (one keep-alive connection each), sending for ``--seconds`` per row after a short
warm-up; every ``POST`` has its own Idempotency-Key, so each stores a message. Latency is per request, from send to
the whole answer read. The store is a file in a temporary directory, or a throwaway local PostgreSQL cluster started
as the tests start it (fsync off: optimistic absolute numbers). On a 2-core machine the clients and the service
share the cores: the figures are a floor.

Run: ``.venv/bin/python benchmarks/service.py [--quick] [--json out.json] [--accounts 1000] [--clients 50]
[--seconds 10]``
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

import httpx

from tgfleet.fleet import Fleet


async def seed(url: str, accounts: int) -> str:
    from tests.fleet.helpers import populate

    async with Fleet.open(url) as fleet:
        await populate(fleet, accounts)
        token, _ = await fleet.tokens.create("send", name="bench")
    return token


async def start_api(url: str) -> tuple[asyncio.subprocess.Process, str]:
    env = dict(c.subprocess_env(), PYTHONUNBUFFERED="1")
    argv = ["-m", "tgfleet.cli", "fleet", "api", "--store", url, "--listen", "127.0.0.1:0"]
    proc = await asyncio.create_subprocess_exec(sys.executable, *argv, stdout=asyncio.subprocess.PIPE, env=env)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    found = re.search(r"(http://\S+)", line)
    if found is None:
        raise SystemExit(f"the API did not start: {line!r}")
    return proc, found.group(1)


async def load(base: str, token: str, clients: int, seconds: float,
               request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]) -> dict[str, float]:  # fmt: skip
    """``clients`` loops calling ``request`` for ``seconds``; requests/s and latency percentiles (seconds)."""
    latencies: list[float] = []
    errors = 0
    numbers = itertools.count()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await request(client, next(numbers))
                latencies.append(time.perf_counter() - started)
                errors += response.status_code >= 400

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        took = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"requests": len(latencies), "rps": len(latencies) / took, "errors": errors,
            "p50": latencies[len(latencies) // 2], "p99": p99}  # fmt: skip


def post_outbox(accounts: int) -> Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]:
    run = os.urandom(4).hex()

    def call(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
        body = {"peer": f"@peer{n % 997}", "text": f"message {n}", "account": f"acct{n % accounts}"}
        return client.post("/v1/outbox", json=body, headers={"Idempotency-Key": f"{run}-{n}"})

    return call


def get_accounts(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
    return client.get("/v1/accounts")


async def bench(url: str, args: Any) -> dict[str, dict[str, float]]:
    token = await seed(url, args.accounts)
    proc, base = await start_api(url)
    try:
        out = {}
        for name, request in (("POST /v1/outbox", post_outbox(args.accounts)), ("GET /v1/accounts", get_accounts)):
            await load(base, token, args.clients, 1.0, request)  # warm-up
            out[name] = await load(base, token, args.clients, args.seconds, request)
        return out
    finally:
        proc.terminate()
        await proc.wait()


def main() -> None:
    def extra(p: Any) -> None:
        p.add_argument("--accounts", type=int, default=1000)
        p.add_argument("--clients", type=int, default=50)
        p.add_argument("--seconds", type=float, default=10.0)

    args = c.parse_args(__doc__.splitlines()[0], extra=extra)
    if args.quick:
        args.seconds = 2.0
    from benchmarks.fleet_store import engines

    with tempfile.TemporaryDirectory() as tmp:
        makers, stop = engines(Path(tmp))
        os.environ["TGFLEET_FLEET_KEY_FILE"] = str(Path(tmp) / "fleet.key")
        try:
            results = {engine: asyncio.run(bench(make(), args)) for engine, make in makers.items()}
        finally:
            stop()
    rows = [[engine, name, f"{r['rps']:.0f}", c.fmt_seconds(r["p50"]), c.fmt_seconds(r["p99"]), str(int(r["errors"]))]
            for engine, by_name in results.items() for name, r in by_name.items()]  # fmt: skip
    print(
        f"{args.accounts} accounts, {args.clients} concurrent clients, {args.seconds:.0f} s per row (one run each;"
        " a shared, noisy machine: compare rows of one run)"
    )
    print(c.table(["store", "request", "requests/s", "p50", "p99", "errors"], rows))
    if args.json:
        c.write_json(args.json, {"machine": c.machine(), "results": results})


if __name__ == "__main__":
    main()
