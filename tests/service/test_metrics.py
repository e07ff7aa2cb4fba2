"""``/metrics``: a worker's counters reach a stateless API process through the store (a separate fleet handle
serves them): RPCs by method and error and their durations, lease grants, accounts and outbox messages by state,
the oldest ready message's age; the text is valid exposition format. Counters: flood waits add their seconds, the
RPC pairs are bounded."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tgfleet.errors import RPCError
from tgfleet.errors.lookup import rpc_error
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.counters import MAX_PAIRS, Counters
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.service.metrics import render
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from ..fleet.helpers import populate, until
from ..fleet.workers import seed
from .helpers import TIMEOUT, in_process

SETTINGS = LeaseSettings(ttl=2.0, renew_interval=0.5, grace=0.5)
SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$')


def samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", line), line
            continue
        assert SAMPLE.match(line), line
        name, _, value = line.rpartition(" ")
        out[name] = float(value)
    return out


async def test_worker_counters_reach_another_process(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as worker_fleet:
        [account] = await seed(tg, worker_fleet, 1)
        tg.add_user(phone="+15550002222", first_name="Bob", username="bob_metrics", dc=2)
        await worker_fleet.outbox.send(peer="@bob_metrics", text="hi", account=account.label, idempotency_key="m")
        await worker_fleet.outbox.send(peer="@bob_metrics", text="later", account=account.label,
                                       not_before=4e9)  # fmt: skip
        worker = Worker(worker_fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, pacer=Pacer(4),
                        send_policy=SendPolicy(interval=0.0, chat_interval=0.0), poll_interval=0.2)  # fmt: skip
        running = asyncio.create_task(worker.run())
        try:
            async with Fleet.open(store_url) as api_fleet, in_process(api_fleet) as api:  # the API's own handle

                async def scraped() -> dict[str, float] | None:
                    response = await api.client.get("/metrics", headers=api.auth("read"))
                    assert response.status_code == 200
                    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
                    found = samples(response.text)
                    key = 'tgfleet_rpc_calls_total{method="messages.sendMessage",error="ok"}'
                    sent = found.get('tgfleet_outbox_messages{state="sent"}', 0)
                    active = found.get('tgfleet_accounts{state="active"}', 0)
                    return found if found.get(key, 0) >= 1 and sent == active == 1 else None  # all of it stored

                found = await until(scraped, timeout=TIMEOUT)
        finally:
            worker.drain()
            await within(running, TIMEOUT)
    assert found['tgfleet_outbox_messages{state="sent"}'] == 1
    assert found['tgfleet_outbox_messages{state="queued"}'] == 1  # the later one, not ready yet
    assert found["tgfleet_outbox_oldest_ready_age_seconds"] == 0
    assert found['tgfleet_accounts{state="active"}'] == 1
    assert found["tgfleet_lease_grants_total"] >= 1
    assert found['tgfleet_rpc_duration_seconds_bucket{le="+Inf"}'] == found["tgfleet_rpc_duration_seconds_count"] >= 1
    assert found["tgfleet_stale_writes_refused_total"] == 0


async def test_oldest_ready_age(tmp_path: Path) -> None:
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, in_process(fleet) as api:
        await populate(fleet, 1)
        await fleet.outbox.send(peer="@x", text="waiting", account="acct0")
        found = samples((await api.client.get("/metrics", headers=api.auth("read"))).text)
        assert 0 < found["tgfleet_outbox_oldest_ready_age_seconds"] < 60
        assert found['tgfleet_outbox_messages{state="queued"}'] == 1
        assert found['tgfleet_accounts{state="new"}'] == 1


def test_counters_flood_waits_and_bounded_pairs() -> None:
    counters = Counters()
    flood = rpc_error(420, "FLOOD_WAIT_31")
    assert isinstance(flood, RPCError)
    counters.rpc("messages.sendMessage", flood, 0.02)
    counters.rpc("messages.sendMessage", None, 40.0)
    assert counters.flood_wait_seconds == 31
    assert counters.rpc_calls == {"messages.sendMessage FLOOD_WAIT_X": 1, "messages.sendMessage ok": 1}
    for i in range(MAX_PAIRS + 50):
        counters.rpc(f"m{i}", None, 0.001)
    assert len(counters.rpc_calls) == MAX_PAIRS + 1 and counters.rpc_calls["other other"] > 0
    total = Counters.add_up([counters.snapshot(), counters.snapshot(), {"grants": "x", "rpc_buckets": [1]}])
    assert total.rpc_count == 2 * counters.rpc_count and total.flood_wait_seconds == 62
    found = samples(render(total, {}, {}, 0.0))
    assert found['tgfleet_rpc_duration_seconds_bucket{le="+Inf"}'] == total.rpc_count
    assert found['tgfleet_rpc_duration_seconds_bucket{le="30.0"}'] == total.rpc_count - 2  # the two 40 s calls
    assert found["tgfleet_flood_wait_seconds_total"] == 62
