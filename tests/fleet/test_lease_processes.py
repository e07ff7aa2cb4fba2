"""Concurrent acquirers in separate OS processes (each its own connection to the store) never both win: on SQLite
(one file, ``BEGIN IMMEDIATE``) and on PostgreSQL (conditional upserts, ``SKIP LOCKED`` claims). The processes
start together at a barrier (a line the test sends once every process is ready)."""

from __future__ import annotations

import asyncio
import json
import sys
from asyncio.subprocess import PIPE

from tgfleet.fleet import Fleet

from .helpers import populate

PROCESSES = 4
TIMEOUT = 120.0
SCRIPT = """
import asyncio, json, sys
from tgfleet.fleet import Fleet, LeaseHeldError

async def main(url, account_id):
    async with Fleet.open(url) as fleet:
        worker = await fleet.workers.register(8)
        print("ready", flush=True)
        sys.stdin.readline()  # the barrier: every process starts the race when the test says go
        try:
            won = (await fleet.leases.acquire_account(account_id, worker)).epoch
        except LeaseHeldError:
            won = None
        claimed = [[lease.account_id, lease.epoch] for lease in await fleet.leases.claim(worker)]
        print(json.dumps({"won": won, "claimed": claimed}), flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_acquirers_in_several_processes_never_both_win(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        ids = await populate(fleet, 1 + 4 * PROCESSES)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SCRIPT,
            store_url,
            str(ids[0]),
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
            assert line == b"ready\n", line + await proc.stderr.read()  # type: ignore[union-attr]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
        outputs = [await asyncio.wait_for(proc.communicate(), TIMEOUT) for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert all(proc.returncode == 0 for proc in procs), outputs
    results = [json.loads(out) for out, _ in outputs]
    assert [r["won"] for r in results].count(1) == 1 and [r["won"] for r in results].count(None) == PROCESSES - 1
    claimed = [account_id for r in results for account_id, epoch in r["claimed"]]
    assert len(claimed) == len(set(claimed))  # no account granted to two processes
    assert all(epoch == 1 for r in results for _, epoch in r["claimed"])
    assert ids[0] not in claimed
