"""The fleet across processes as several hosts run it, on a real PostgreSQL: two `tgfleet fleet worker` processes and
two stateless `tgfleet fleet api` processes over one store. A login started on one API process is finished with the
code submitted to the other; sends posted to either (a repeat of one to the other API included) are delivered
exactly once; killing (-9) the worker that holds the pending login moves it and its accounts to the other worker."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import httpx

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.sandbox import Sandbox

from ..fleet.helpers import until
from ..fleet.pgcluster import Cluster
from ..fleet.workers import TIMEOUT, WorkerProcess, holders, seed, write_info
from .helpers import ServiceProcess

TTL = 3.0
SETTINGS = LeaseSettings(ttl=TTL, renew_interval=TTL / 3, grace=TTL / 3)
RELAXED = {"sending": {"interval": 0.0, "burst": 1000, "chat_interval": 0.0, "daily_messages": 100000,
                       "daily_new_peers": 1000, "warmup_days": 0}}  # fmt: skip


async def _post(api: httpx.AsyncClient, i: int) -> dict[str, Any]:
    answer = await api.post("/v1/outbox", json={"peer": "@grace_hosts", "text": f"note {i}", "pool": "hosts"},
                            headers={"Idempotency-Key": f"note-{i}"})  # fmt: skip
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_two_workers_and_two_api_processes_share_one_postgresql(pg_cluster: Cluster, tmp_path: Path) -> None:
    url = pg_cluster.create_database()
    async with Sandbox(dcs=2) as tg, Fleet.open(url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 3, prefix="host", pool="hosts", policy=RELAXED)
        grace = tg.add_user(phone="+15554000001", first_name="Grace", username="grace_hosts", dc=2)
        heidi = tg.add_user(phone="+15554000002", first_name="Heidi", dc=2)
        token, _ = await fleet.tokens.create("operate")
        info = write_info(tg, tmp_path / "sandbox.json")
        workers = [await WorkerProcess.cli(url, info, ttl=TTL) for _ in range(2)]
        apis = [await ServiceProcess.start("api", "--store", url, "--listen", "127.0.0.1:0") for _ in range(2)]
        headers = {"Authorization": f"Bearer {token}"}
        one, two = (httpx.AsyncClient(base_url=a.url, headers=headers, timeout=TIMEOUT) for a in apis)
        try:
            ids = [await w.started() for w in workers]
            started = await one.post("/v1/logins", json={"phone": heidi.phone, "label": "heidi", "pool": "hosts"})
            assert started.status_code == 201, started.text
            flow = await fleet.logins.wait(started.json()["id"], until={"code_sent"}, timeout=TIMEOUT)
            sent = [await _post(one if i % 2 else two, i) for i in range(10)]
            again = await _post(one, 3)  # the repeat of a send to the other API process: the same message
            assert again["id"] == sent[3]["id"]

            doomed = workers[ids.index(flow.worker)]  # the worker holding the pending login
            survivor = ids[1 - ids.index(flow.worker)]
            doomed.signal(signal.SIGKILL)
            await doomed.exited()
            sent += [await _post(one if i % 2 else two, i) for i in range(10, 20)]

            async def all_moved() -> bool | None:
                held = holders(await fleet.leases.list())
                return True if all(held.get(a.label) == survivor for a in accounts) else None

            try:
                await until(all_moved, timeout=TIMEOUT)
            except AssertionError:
                states = {a.label: (a.state.value, a.state_until) for a in await fleet.accounts.list()}
                raise AssertionError(f"survivor {survivor}: {holders(await fleet.leases.list())} {states}") from None

            async def login_taken() -> bool | None:
                return True if (await fleet.logins.get(flow.id)).worker == survivor else None

            await until(login_taken, timeout=TIMEOUT)
            code = await two.post(f"/v1/logins/{flow.id}/code", json={"code": tg.login_code(heidi.phone)})
            assert code.status_code == 200, code.text
            done = await fleet.logins.wait(flow.id, until={"authorized"}, timeout=TIMEOUT)
            assert done.worker == survivor and (await fleet.accounts.get("heidi")).user_id == heidi.id

            async def delivered() -> bool | None:
                states = {m.state.value for m in await fleet.outbox.list(limit=1000)}
                return True if states == {"sent"} else None

            await until(delivered, timeout=TIMEOUT)
            texts = [m.text for m in tg.messages_of(grace.id) if not m.out]
            assert sorted(texts) == sorted(f"note {i}" for i in range(20)), texts  # each exactly once
            assert len({m["id"] for m in sent}) == 20
        finally:
            for client in (one, two):
                await client.aclose()
            for proc in (*apis, *workers):
                await proc.close()
