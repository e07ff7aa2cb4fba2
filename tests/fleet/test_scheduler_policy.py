"""The scheduler's policy sources against the sandbox, on both engines: a pool's policy (stored in ``pools``) paces its
accounts and an account's own overrides it; a fresh account warms up (slower than its policy says); the request bucket
paces every RPC of an account's client, so a sandbox limiting requests at the policy's rate answers no FLOOD_WAIT;
``tgfleet fleet pools`` with ``--json``. What the worker tests observe is budgets and the sandbox's own rate limits,
never timings."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from click.testing import CliRunner

from tgfleet import errors
from tgfleet.cli import main
from tgfleet.client import Client
from tgfleet.fleet import Account, Fleet
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.server_limits import Limits, Rate

from .helpers import pyrogram_string, until
from .test_outbox_worker import SETTINGS, recipient
from .workers import TIMEOUT, Events, seed

UNPACED = SendPolicy(interval=0.0, chat_interval=0.0)


@asynccontextmanager
async def worker_running(fleet: Fleet, tg: Sandbox, policy: SendPolicy, **options: Any) -> AsyncIterator[Worker]:
    worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, on_event=Events().add,
                    pacer=Pacer(8, 0.05), client_options={"timeout": 10.0}, send_policy=policy, poll_interval=0.2,
                    **options)  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.drain()
        await within(asyncio.gather(task, return_exceptions=True), TIMEOUT)


async def sent_by(fleet: Fleet, label: str) -> int:
    return sum(1 for m in await fleet.outbox.list(account=label) if m.state.value == "sent")


async def enqueue(fleet: Fleet, label: str, peer: str, count: int) -> None:
    for i in range(count):
        await fleet.outbox.send(peer=peer, text=f"{label} {i}", account=label)


async def test_a_pool_policy_reaches_its_accounts_and_an_account_policy_overrides_it(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        await fleet.pools.set_policy("paced", {"sending": {"daily_messages": 3, "warmup_days": 0}})
        [inherits] = await seed(tg, fleet, 1, prefix="inherits", pool="paced")
        [own] = await seed(tg, fleet, 1, prefix="own", pool="paced", policy={"sending": {"daily_messages": 5}})
        [free] = await seed(tg, fleet, 1, prefix="free")  # another pool: the worker's unpaced default
        _, peer = recipient(tg)
        for account in (inherits, own, free):
            await enqueue(fleet, account.label, peer, 8)
        async with worker_running(fleet, tg, UNPACED):

            async def budgets_reached() -> bool | None:
                counts = [await sent_by(fleet, a.label) for a in (inherits, own, free)]
                return True if counts[1:] == [5, 8] and counts[0] >= 3 else None

            await until(budgets_reached, timeout=TIMEOUT)
        assert await sent_by(fleet, inherits.label) == 3  # the pool's budget (and its warm-up off: not 0.25 of it)
        assert await sent_by(fleet, own.label) == 5  # its own budget over the pool's
    async with Fleet.open(store_url, settings=SETTINGS) as reopened:  # stored durably
        pool = await reopened.pools.get("paced")
        assert pool.policy == {"sending": {"daily_messages": 3, "warmup_days": 0}} and pool.accounts == 2


async def test_a_fresh_account_warms_up_slower_than_its_policy(store_url: str) -> None:
    """The policy's interval alone (0.1 s) would flood a sandbox limiting at one message per 0.3 s; warming up, the
    fresh account sends at three times the interval, within the limit. (Budgets and the end of the warm-up:
    ``test_throttle``, on a fake clock.)"""
    policy = SendPolicy(interval=0.1, burst=2, chat_interval=0.0, warmup_slowdown=3.0)
    warm = policy.interval * policy.warmup_slowdown
    rate = Rate(policy.burst + 1, per=(policy.burst + 1) * warm)
    async with Sandbox(dcs=2, limits=Limits(messages=rate, new_account_messages=rate)) as tg, \
            Fleet.open(store_url, settings=SETTINGS) as fleet:  # fmt: skip
        [account] = await seed(tg, fleet, 1)
        _, peer = recipient(tg)
        await enqueue(fleet, account.label, peer, 15)
        async with worker_running(fleet, tg, policy):
            await until(lambda: _at_least(sent_by(fleet, account.label), 15), timeout=TIMEOUT)
        outcomes = [a.outcome for m in await fleet.outbox.list(account=account.label)
                    for a in await fleet.outbox.attempts(m.id)]  # fmt: skip
    assert outcomes == ["sent"] * 15  # not one FLOOD_WAIT


async def test_the_request_bucket_paces_every_call_of_the_account_client(store_url: str) -> None:
    policy = SendPolicy(request_interval=0.1, request_burst=2)
    rate = Rate(policy.request_burst + 1, per=(policy.request_burst + 1) * policy.request_interval)
    outcomes: list[str] = []
    done = asyncio.Event()

    async def job(client: Client, account: Account) -> None:
        for _ in range(25):  # calls that send no message: only the request bucket stands between them and the limit
            try:
                await client.get_me()
                outcomes.append("ok")
            except errors.FloodWait as exc:
                outcomes.append(exc.error_message)
        done.set()

    async with Sandbox(dcs=2, limits=Limits(requests=rate, new_account_requests=rate)) as tg, \
            Fleet.open(store_url, settings=SETTINGS) as fleet:  # fmt: skip
        await seed(tg, fleet, 1)
        async with worker_running(fleet, tg, policy, job=job):
            await within(done.wait(), TIMEOUT)
    assert outcomes == ["ok"] * 25


async def _at_least(count: Any, target: int) -> bool | None:
    return True if await count >= target else None


def pools_cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["fleet", "pools", *args])


async def _import(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(pyrogram_string(), label="s1", pool="support")


def test_the_pools_cli_sets_shows_and_lists_policies(store_url: str) -> None:
    asyncio.run(_import(store_url))  # a pool with accounts and no policy is listed too
    policy = '{"sending": {"interval": 5, "daily_new_peers": 10}}'
    done = pools_cli("set", "sales", "--policy", policy, "--store", store_url, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["policy"] == {"sending": {"interval": 5, "daily_new_peers": 10}}
    shown = pools_cli("show", "sales", "--store", store_url, "--json")
    assert json.loads(shown.stdout)["policy"] == json.loads(policy)
    listed = json.loads(pools_cli("list", "--store", store_url, "--json").stdout)
    assert [(p["name"], p["accounts"], p["policy"]) for p in listed] == [
        ("sales", 0, json.loads(policy)),
        ("support", 1, {}),
    ]
    bad: Callable[[str], Any] = lambda text: pools_cli("set", "sales", "--policy", text, "--store", store_url)  # noqa: E731
    for text, named in [('{"sending": {"intervall": 1}}', "intervall"), ('{"proxy": "x"}', "proxy"), ("[1]", "object")]:
        refused = bad(text)
        assert refused.exit_code != 0 and named in refused.output, refused.output
    assert json.loads(pools_cli("show", "sales", "--store", store_url, "--json").stdout)["policy"] == json.loads(policy)
