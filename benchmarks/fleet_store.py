"""The fleet store's cost for one worker, in a small fleet and in a large one (rows only, no connections).

A store holds N accounts (1,000 or 100,000) with one lease row each; N/1,000 workers hold them, 1,000 each, with
the leases live. The measured worker holds 900 and 100 are free. Rows:

- renew: the worker renews its 1,000 leases (ONE statement, conditional on holder and epoch);
- claim 100: the worker claims the 100 free accounts (fair share, index on ``expires_at``, ``SKIP LOCKED`` on
  PostgreSQL); they are released again between samples (not timed);
- claim, none free: the claim a worker makes every interval when there is nothing to take.

Goal: the same cost at 100,000 accounts as at 1,000 (the store's work follows the worker's own accounts, not the
fleet). SQLite is a file in a temporary directory; PostgreSQL a throwaway local cluster (as the tests start it:
``initdb`` + ``pg_ctl``, a unix socket, fsync off), so absolute numbers are optimistic; compare the ratio.

Run: ``.venv/bin/python benchmarks/fleet_store.py [--quick] [--json out.json] [--sizes 1000,100000]``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

from tgfleet.fleet import Fleet, Lease, LeaseSettings, Worker

PER_WORKER, FREE, WARMUP = 1000, 100, 3
SETTINGS = LeaseSettings(ttl=86_400.0, renew_interval=10.0, grace=10.0)  # nothing expires during the run
BENCH_KEY = bytes(32)
"""A throwaway seal key: the benchmark seals nothing real and must not leave a key file behind."""
_SERIES = "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "


async def populate(fleet: Fleet, n: int) -> tuple[Worker, list[Lease]]:
    """N accounts and lease rows; workers w1.. hold all but the first 1,000; the measured worker holds 900."""
    me = await fleet.workers.register(PER_WORKER, worker_id="me", host="bench", pid=1)
    async with fleet.store.transaction() as tx:
        await tx.execute(
            _SERIES + "INSERT INTO accounts (label, pool, state, state_since, policy, origin_format, origin_at,"
            " origin_detail, created_at, updated_at, fence_epoch) SELECT 'a' || x, 'default', 'active', {now}, '{{}}',"
            " 'bench', {now}, '{{}}', {now}, {now}, 1 FROM g",
            {"n": n},
        )
        await tx.execute(
            "INSERT INTO leases (resource, account_id, ready, holder, host, pid, epoch, acquired_at, renewed_at,"
            " expires_at) SELECT 'account:' || id, id, 1,"
            " CASE WHEN id <= :held THEN 'me' WHEN id <= :first THEN NULL ELSE 'w' || ((id - 1) / :per) END,"
            " 'bench', 1, 1, {now}, {now}, CASE WHEN id > :held AND id <= :first THEN 0 ELSE {now} + 86400 END"
            " FROM accounts",
            {"held": PER_WORKER - FREE, "first": PER_WORKER, "per": PER_WORKER},
        )
        await tx.execute(
            _SERIES + "INSERT INTO workers (id, host, pid, capacity, state, started_at, heartbeat)"
            " SELECT 'w' || x, 'bench', 1, :per, 'running', {now}, {now} + 86400 FROM g WHERE x < :n",
            {"n": n // PER_WORKER, "per": PER_WORKER},
        )
        await tx.execute("UPDATE counters SET value = :n WHERE name = 'ready_accounts'", {"n": n})
        await tx.execute("UPDATE workers SET heartbeat = {now} + 86400 WHERE id = 'me'")
        await tx.execute("ANALYZE")
        rows = await tx.fetch("SELECT resource, account_id, epoch, expires_at FROM leases WHERE holder = 'me'")
    return me, [Lease(r, "me", int(e), float(x), int(a), "bench", 1) for r, a, e, x in rows]


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def one_round(fleet: Fleet, me: Worker, held: list[Lease], samples: dict[str, list[float]]) -> None:
    """One sample of each row: claim the 100 free accounts, renew all 1,000, claim again (none free), release."""
    claimed: list[Lease] = []

    async def claim() -> None:
        claimed.extend(await fleet.leases.claim(me))

    samples["claim"].append(await timed(claim))
    assert len(claimed) == FREE, f"claimed {len(claimed)} accounts, not {FREE}"
    result: list[Any] = []

    async def renew() -> None:
        result.append(await fleet.leases.renew(me, held + claimed))

    samples["renew"].append(await timed(renew))
    assert len(result[0].renewed) == PER_WORKER and not result[0].lost
    samples["idle"].append(await timed(lambda: fleet.leases.claim(me)))
    await fleet.leases.release(me, claimed)


async def measure(urls: dict[int, str], rounds: int) -> dict[int, dict[str, list[float]]]:
    """Every store size of one engine, sampled in interleaved rounds (a burst of load hits all sizes alike)."""
    fleets = {n: await Fleet.open(url, settings=SETTINGS, seal_key=BENCH_KEY) for n, url in urls.items()}
    try:
        setups = {n: await populate(fleet, n) for n, fleet in fleets.items()}
        samples: dict[int, dict[str, list[float]]] = {n: {"renew": [], "claim": [], "idle": []} for n in urls}
        for round_ in range(WARMUP + rounds):
            if round_ == WARMUP:  # the first rounds also pay for writing back the freshly loaded stores
                samples = {n: {name: [] for name in s} for n, s in samples.items()}
            for n, fleet in fleets.items():
                await one_round(fleet, *setups[n], samples[n])
        return samples
    finally:
        for fleet in fleets.values():
            await fleet.close()


def engines(tmp: Path) -> tuple[dict[str, Callable[[], str]], Callable[[], None]]:
    """URL makers per engine, and a cleanup; PostgreSQL only when its server binaries are installed."""
    from tests.fleet.pgcluster import INSTALL_HINT, Cluster, find_bindir

    count = iter(range(1_000_000))
    makers: dict[str, Callable[[], str]] = {"SQLite": lambda: f"sqlite:///{tmp / f'f{next(count)}.db'}"}
    bindir = find_bindir()
    if bindir is None:
        print(f"PostgreSQL skipped: no server binaries (install them with `{INSTALL_HINT}`)", file=sys.stderr)
        return makers, lambda: None
    cluster = Cluster(bindir).start()
    makers["PostgreSQL"] = cluster.create_database
    return makers, cluster.stop


def main() -> None:
    args = c.parse_args(
        __doc__.splitlines()[0],
        extra=lambda p: p.add_argument(
            "--sizes", default="1000,100000", help="store sizes (accounts), comma-separated"
        ),
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    rounds = 5 if args.quick else 15
    results: dict[str, Any] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp:
        makers, cleanup = engines(Path(tmp))
        try:
            for engine, make in makers.items():
                measured = asyncio.run(measure({n: make() for n in sizes}, rounds))
                medians = {n: {name: c.median(v) for name, v in measured[n].items()} for n in sizes}
                for n in sizes:
                    results[f"{engine}/{n}"] = {"samples": measured[n], "medians": medians[n]}
                for n in sizes:
                    m, base = medians[n], medians[sizes[0]]
                    ratio = " / ".join(f"{m[k] / base[k]:.2f}x" for k in ("renew", "claim", "idle"))
                    cells = [c.fmt_seconds(m[k]) for k in ("renew", "claim", "idle")]
                    rows.append([engine, f"{n:,}", *cells, ratio])
        finally:
            cleanup()
    headers = ["store", "accounts", "renew 1,000 leases", "claim 100", "claim, none free", f"vs {sizes[0]:,}"]
    print(c.table(headers, rows))
    print(f"\nmedians of {rounds} samples; one worker holding 1,000 leases; {c.NOISE_NOTE}")
    if args.json:
        c.write_json(args.json, results)


if __name__ == "__main__":
    main()
