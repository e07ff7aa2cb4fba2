"""A runner that ends late must not take its account's newer lease with it, on both engines: the worker's lease of
an account ends (handed back by an operator, so the worker sees it at its next renewal) while the account's runner
takes long to stop (its job finishes slowly); the worker claims the free account again (a new epoch, a new runner);
when the old runner finally ends, the new lease must still be renewed and its runner keep its send gate. (Found by
the outbox chaos run: the ended runner dropped whatever lease the keeper kept for the account, so the new runner
was never renewed, never fenced, and lingered with its gate shut.)"""

from __future__ import annotations

import asyncio
from typing import Any

from tgfleet.fleet import Fleet, Lease
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from .helpers import until
from .test_outbox_worker import SETTINGS
from .workers import TIMEOUT, Events, seed


async def test_a_runner_that_ends_late_leaves_the_newer_lease_of_its_account_alone(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        events, let_go, late = Events(), asyncio.Event(), asyncio.Event()

        async def job(client: Any, _: Any) -> None:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                late.set()
                await let_go.wait()  # the first runner's end is slow (only its own: let_go is set once)
                raise

        worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, job=job, outbox=False,
                        on_event=events.add, pacer=Pacer(8, 0.05), client_options={"timeout": 10.0},
                        poll_interval=0.2)  # fmt: skip
        task = asyncio.create_task(worker.run())
        try:
            first = await events.until(lambda: events.connected().get(account.label), what="connected")
            me = await fleet.workers.get(worker.id)
            [info] = await fleet.leases.list()
            await fleet.leases.release(
                me, [Lease(info.resource, worker.id, first, info.expires_at, account.account_id)]
            )
            await within(late.wait(), TIMEOUT)  # its lease ended: the runner is stopping, slowly
            second = await events.until(lambda: max(first, events.connected().get(account.label) or 0) - first,
                                        what="claimed again, connected at a new epoch") + first  # fmt: skip
            let_go.set()  # now the old runner ends
            [at_end] = await fleet.leases.list()
            kept_for = (at_end.renewed_at or 0.0) + 2 * SETTINGS.ttl  # renewed two TTLs after the old runner's end

            async def still_renewed() -> bool | None:
                [now] = await fleet.leases.list()
                return (now.holder == worker.id and now.epoch == second and (now.renewed_at or 0) > kept_for) or None

            await until(still_renewed, timeout=TIMEOUT)  # the new lease is still kept
            assert events.connected() == {account.label: second}  # the new runner runs on, not fenced
            assert [e["epoch"] for e in events.of("fenced", account.label)] in ([], [first])
        finally:
            let_go.set()
            worker.drain()
            await within(asyncio.gather(task, return_exceptions=True), TIMEOUT)
