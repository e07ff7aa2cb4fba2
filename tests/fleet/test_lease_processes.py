"""Concurrent acquirers in separate OS processes (each its own connection to the store) never both win: on SQLite
(one file, ``BEGIN IMMEDIATE``) and on PostgreSQL (conditional upserts, ``SKIP LOCKED`` claims). The processes
start together at a barrier (a file the test creates once every process is ready)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tgfleet.fleet import Fleet

from .helpers import populate

PROCESSES = 4
SCRIPT = """
import asyncio, json, os, sys, time
from tgfleet.fleet import Fleet, LeaseHeldError

async def main(url, barrier, account_id):
    async with Fleet.open(url) as fleet:
        worker = await fleet.workers.register(8)
        open(barrier + "." + str(os.getpid()), "w").close()
        deadline = time.monotonic() + 60
        while not os.path.exists(barrier):
            if time.monotonic() > deadline:
                sys.exit("the barrier never opened")
            await asyncio.sleep(0.002)
        try:
            won = (await fleet.leases.acquire_account(account_id, worker)).epoch
        except LeaseHeldError:
            won = None
        claimed = [[lease.account_id, lease.epoch] for lease in await fleet.leases.claim(worker)]
        print(json.dumps({"won": won, "claimed": claimed}))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def test_acquirers_in_several_processes_never_both_win(store_url: str, tmp_path: Path) -> None:
    async with Fleet.open(store_url) as fleet:
        ids = await populate(fleet, 1 + 4 * PROCESSES)
    barrier = str(tmp_path / "go")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, store_url, barrier, str(ids[0])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("go.*"))) < PROCESSES:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the processes never got ready"
            time.sleep(0.01)
        Path(barrier).touch()
        outputs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert all(p.returncode == 0 for p in procs), outputs
    results = [json.loads(out) for out, _ in outputs]
    assert [r["won"] for r in results].count(1) == 1 and [r["won"] for r in results].count(None) == PROCESSES - 1
    claimed = [account_id for r in results for account_id, epoch in r["claimed"]]
    assert len(claimed) == len(set(claimed))  # no account granted to two processes
    assert all(epoch == 1 for r in results for _, epoch in r["claimed"])
    assert ids[0] not in claimed
