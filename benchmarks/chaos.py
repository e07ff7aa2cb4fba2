"""The fleet's crash proofs at full size (issue 13), on SQLite and on PostgreSQL: the scenarios the suite runs small,
the same code (``tests/fleet/outbox_chaos.py``, ``tests/fleet/inbox_chaos.py``).

- ``--outbox``: two outbox worker processes over one store, 20 accounts, 2,000 messages to 10 recipients (about half
  to the pool, the rest pinned), 30 random ``kill -9`` (about a third while the other worker is SIGSTOPped past its
  lease, then resumed: it fences itself); then every recipient's history holds every message exactly once, each
  outbox chat in the order of ``send``, and every row is ``sent`` with its Telegram id;
- ``--inbox``: 1,000 incoming messages across 10 accounts in 10 rounds, a worker killed after each round; every
  message stored once and handled (again only where a kill fell between the handler's return and its marker);
- ``--channel``: the same through a supergroup of the 10 accounts (100 posts, 1,000 deliveries), 20% of its pushes
  lost: every post stored once per account, in order, and handled.

Neither flag: all three. The sandbox runs in this process (the checks read its histories and its key-use observer); the
workers are child processes. Rows: what the run did (kills, kills while the other was stopped, attempts, resends
with the pinned random_id, handler reruns) and its wall time. A failed check names the seed (``--seed`` replays it)
and makes the run exit non-zero. ``--quick``: the suite's sizes.

Run: ``.venv/bin/python benchmarks/chaos.py [--outbox] [--inbox] [--channel] [--quick] [--seed N] [--json out.json]``
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))

from fleet_store import engines

from tests.fleet import inbox_chaos, outbox_chaos

BENCH_KEY = bytes(range(32))
"""A throwaway seal key (no key file is left behind); the worker processes get it through $TGFLEET_FLEET_KEY."""


def options(p: Any) -> None:
    p.add_argument("--outbox", action="store_true", help="the outbox's exactly-once run")
    p.add_argument("--inbox", action="store_true", help="the inbox's handled-once run")
    p.add_argument("--channel", action="store_true", help="the inbox's run through a supergroup")
    p.add_argument("--seed", type=int, help="the outbox run's seed (default: a fresh one, printed)")


def run_one(kind: str, url: str, tmp: Path, quick: bool, seed: int) -> dict[str, Any]:
    """One scenario on one store: its report, or the failed check."""
    try:
        if kind == "outbox":
            size = outbox_chaos.SUITE if quick else outbox_chaos.FULL
            return asyncio.run(outbox_chaos.outbox_chaos(url, tmp, size, seed)).as_dict() | {"ok": True}
        if kind == "channel":
            inbox_size = inbox_chaos.CHANNEL_SUITE if quick else inbox_chaos.CHANNEL_FULL
        else:
            inbox_size = inbox_chaos.SUITE if quick else inbox_chaos.FULL
        return asyncio.run(inbox_chaos.inbox_chaos(url, tmp, inbox_size)).as_dict() | {"ok": True}
    except AssertionError as failed:
        return {"ok": False, "seed": seed, "failure": str(failed)[:2000]}


def row(kind: str, engine: str, r: dict[str, Any]) -> list[str]:
    if not r["ok"]:
        return [kind, engine, "FAILED", "", "", "", r["failure"][:80]]
    if kind == "outbox":
        size = r["size"]
        work = f"{size['messages']:,} messages, {size['accounts']} accounts, {size['recipients']} recipients"
        kills = f"{r['kills']} ({r['kills_while_stopped']} while the other stopped)"
        return [kind, engine, work, kills, f"{r['attempts']:,}", f"{r['resent']}", c.fmt_seconds(r["seconds"])]
    size = r["size"]
    work = f"{r['messages']:,} messages, {size['accounts']} accounts"
    return [kind, engine, work, str(r["kills"]), f"{r['handled']:,}", f"{r['reruns']} reruns",
            c.fmt_seconds(r["seconds"])]  # fmt: skip


def main() -> None:
    args = c.parse_args(__doc__.splitlines()[0], extra=options)
    kinds = [k for k in ("outbox", "inbox", "channel") if getattr(args, k)] or ["outbox", "inbox", "channel"]
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    os.environ["TGFLEET_FLEET_KEY"] = base64.b64encode(BENCH_KEY).decode()
    results: dict[str, Any] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="tgfleet-bench-") as tmp:
        makers, cleanup = engines(Path(tmp))
        try:
            for engine, make in makers.items():
                for kind in kinds:
                    work = Path(tmp) / f"{engine}-{kind}"
                    work.mkdir()
                    results[f"{engine}/{kind}"] = r = run_one(kind, make(), work, args.quick, seed)
                    rows.append(row(kind, engine, r))
        finally:
            cleanup()
    headers = ["run", "store", "work", "kills", "attempts / handled", "resent / reruns", "wall time"]
    print(c.table(headers, rows))
    print(f"\noutbox seed {seed}; one run each: a crash proof, not a speed figure (wall times from a shared machine)")
    if args.json:
        c.write_json(args.json, {"seed": seed, "quick": args.quick, "results": results})
    if failed := [name for name, r in results.items() if not r["ok"]]:
        raise SystemExit(f"a check failed ({', '.join(failed)}): see the table; replay with --seed {seed}")


if __name__ == "__main__":
    main()
