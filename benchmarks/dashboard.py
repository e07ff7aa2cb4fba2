"""The dashboard's accounts page with 1,000 accounts: the time to answer ``GET /accounts`` (the store's reads, the
flood ledger and today's sends included, and the template rendered), and its size.

The app is called in process (httpx's ASGI transport: no sockets, so the figure is the server's work, not the
network's); the store is filled as ``fleet_store.py`` fills it (1,000 accounts with live leases). Beside it, the
JSON API's ``GET /v1/accounts?limit=500`` twice over (the same accounts as data) to put the HTML's cost in proportion.

Run: ``.venv/bin/python benchmarks/dashboard.py [--quick] [--json out.json] [--accounts 1000]``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import httpx
from fleet_store import BENCH_KEY, SETTINGS, engines, populate

sys.path.insert(0, str(c.ROOT))

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.app import create_app

WARMUP = 3


async def sample(client: httpx.AsyncClient, headers: dict[str, str], paths: list[str]) -> tuple[float, int]:
    started, size = time.perf_counter(), 0
    for path in paths:
        answer = await client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
        size += len(answer.content)
    return time.perf_counter() - started, size


async def measure(url: str, accounts: int, rounds: int) -> dict[str, Any]:
    async with Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) as fleet:
        await populate(fleet, accounts)
        token, _ = await fleet.tokens.create("read")
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=create_app(fleet))
        pages = {"page": ["/accounts"], "api": [f"/v1/accounts?limit=500&after={a}" for a in ("", "a499")]}
        samples: dict[str, list[float]] = {name: [] for name in pages}
        sizes: dict[str, int] = {}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            for round_ in range(WARMUP + rounds):
                for name, paths in pages.items():  # interleaved: a burst of load hits both alike
                    took, sizes[name] = await sample(client, headers, paths)
                    if round_ >= WARMUP:
                        samples[name].append(took)
        return {"samples": samples, "bytes": sizes}


def main() -> None:
    args = c.parse_args(__doc__.splitlines()[0],
                        extra=lambda p: p.add_argument("--accounts", type=int, default=1000))  # fmt: skip
    rounds = 5 if args.quick else 15
    results: dict[str, Any] = {"machine": c.machine(), "accounts": args.accounts, "rounds": rounds}
    rows = []
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp:
        makers, cleanup = engines(Path(tmp))
        try:
            for engine, make in makers.items():
                found = asyncio.run(measure(make(), args.accounts, rounds))
                results[engine] = found
                page, api = (c.median(found["samples"][n]) for n in ("page", "api"))
                rows.append([engine, c.fmt_seconds(page), c.fmt_bytes(found["bytes"]["page"]),
                             c.fmt_seconds(api), f"{page / api:.2f}x"])  # fmt: skip
        finally:
            cleanup()
    print(f"Dashboard: GET /accounts with {args.accounts:,} accounts (median of {rounds}). {c.NOISE_NOTE}")
    print(c.table(["store", "accounts page", "page size", "same rows as JSON (/v1)", "page / JSON"], rows))
    if args.json:
        c.write_json(args.json, results)


if __name__ == "__main__":
    main()
