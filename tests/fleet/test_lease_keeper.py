"""``LeaseKeeper`` on both engines: renewals keep a lease valid past its TTL; a lease taken over ends at the next
renewal; when renewals fail (the store gone), each lease ends two thirds of the TTL after its last renewal was sent
and ``valid`` turns false then, from the timer, not from a renewal, after the renewals that could still have worked
and before the store's expiry lets another holder in; a disabled account is reported."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tgfleet.fleet import Fleet, Lease, LeaseSettings
from tgfleet.fleet.lease_keeper import LeaseKeeper
from tgfleet.fleet.store import Store
from tgfleet.net.timeouts import within

from .helpers import populate

SETTINGS = LeaseSettings(ttl=1.5, renew_interval=0.5, grace=0.5)
TIMEOUT = 30.0


class Ends:
    def __init__(self) -> None:
        self.ended: list[tuple[Lease, str]] = []
        self.unready: list[Lease] = []
        self.changed = asyncio.Event()

    def end(self, lease: Lease, reason: str) -> None:
        self.ended.append((lease, reason))
        self.changed.set()

    def not_ready(self, lease: Lease) -> None:
        self.unready.append(lease)
        self.changed.set()

    async def wait(self, what: str) -> None:
        async def until() -> None:
            while not getattr(self, what):
                self.changed.clear()
                await self.changed.wait()

        await within(until(), TIMEOUT)


@asynccontextmanager
async def keeping(fleet: Fleet, count: int) -> AsyncIterator[tuple[LeaseKeeper, list[Lease], Ends, Store]]:
    """A keeper (renewing in a task, on a store handle of its own) of ``count`` freshly claimed leases."""
    await populate(fleet, count)
    leases, workers, store = await fleet.lease_handles()
    worker = await workers.register(10)
    ends = Ends()
    keeper = LeaseKeeper(leases, workers, worker, on_end=ends.end, on_unready=ends.not_ready)
    sent_at = asyncio.get_running_loop().time()
    held = await leases.claim(worker)
    for lease in held:
        keeper.add(lease, sent_at)
    task = asyncio.create_task(keeper.run())
    try:
        yield keeper, held, ends, store
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        keeper.close()
        await store.close()


async def test_renewals_keep_the_leases_valid_past_their_ttl(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet, keeping(fleet, 2) as (keeper, held, ends, _):
        loop = asyncio.get_running_loop()
        until = loop.time() + 2 * SETTINGS.ttl
        while loop.time() < until:  # several TTLs' worth of renewals, each awaited
            await within(keeper.renewed.wait(), TIMEOUT)
        assert all(keeper.valid(lease.resource) for lease in held) and ends.ended == []
        assert {i.resource for i in await fleet.leases.list() if i.live and i.holder == keeper.worker.id} == {
            lease.resource for lease in held
        }


async def test_a_lease_taken_over_ends_at_the_next_renewal(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet, keeping(fleet, 2) as (keeper, held, ends, _):
        await fleet.leases.release(keeper.worker, [held[0]])  # someone else hands it over (an operator)
        await fleet.leases.acquire(held[0].resource, await fleet.workers.register(1))
        await ends.wait("ended")
        [(lease, reason)] = ends.ended
        assert (lease.resource, lease.epoch) == (held[0].resource, held[0].epoch) and "taken over" in reason
        assert not keeper.valid(held[0].resource) and keeper.valid(held[1].resource)
        assert keeper.held() != [] and [h.resource for h in keeper.held()] == [held[1].resource]


async def test_when_renewals_fail_every_lease_ends_by_the_timer(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet, keeping(fleet, 3) as (keeper, held, ends, store):
        await within(keeper.renewed.wait(), TIMEOUT)
        await store.close()  # the keeper's store is gone: every renewal fails from now on
        await ends.wait("ended")
        while len(ends.ended) < 3:
            ends.changed.clear()
            await within(ends.changed.wait(), TIMEOUT)
        assert {lease.resource for lease, _ in ends.ended} == {lease.resource for lease in held}
        assert all("not renewed" in reason for _, reason in ends.ended)
        assert not any(keeper.valid(lease.resource) for lease in held) and keeper.held() == []


async def test_a_lease_is_invalid_once_its_validity_ran_out_even_before_the_fence_timer_ran(store_url: str) -> None:
    """The send gate asks ``valid`` before every write: a process resumed past its lease (SIGSTOP) may run a write
    before the timer's callback, and that write must already find the gate closed."""
    async with Fleet.open(store_url, settings=SETTINGS) as fleet:
        await populate(fleet, 1)
        worker = await fleet.workers.register(1)
        [lease] = await fleet.leases.claim(worker)
        ends = Ends()
        keeper = LeaseKeeper(fleet.leases, fleet.workers, worker, on_end=ends.end)
        keeper.add(lease, asyncio.get_running_loop().time() - SETTINGS.fence_after)  # its validity ends now
        try:
            assert not keeper.valid(lease.resource) and ends.ended == []  # closed, and the timer has not run yet
            await ends.wait("ended")
            assert [ended.resource for ended, _ in ends.ended] == [lease.resource]
        finally:
            keeper.close()


FENCE = LeaseSettings(ttl=6.0, renew_interval=2.0, grace=2.0)


async def test_a_holder_that_cannot_renew_stops_using_its_leases_before_they_expire(store_url: str) -> None:
    async with Fleet.open(store_url, settings=FENCE) as fleet, keeping(fleet, 2) as (keeper, held, ends, store):
        await within(keeper.renewed.wait(), TIMEOUT)
        loop = asyncio.get_running_loop()
        cut_at = loop.time()
        await store.close()  # no renewal works from now on
        expiry = {i.resource: i.expires_at for i in await fleet.leases.list() if i.holder == keeper.worker.id}
        ended_at: dict[str, tuple[float, float]] = {}
        while len(ended_at) < len(held):
            await ends.wait("ended")
            for lease, _ in ends.ended:
                ended_at.setdefault(lease.resource, (loop.time(), time.time()))
            ends.ended.clear()
        for lease in held:
            at_loop, at_wall = ended_at[lease.resource]
            assert at_loop - cut_at >= FENCE.fence_after - FENCE.renew_interval / 2  # not at the first failure
            assert at_wall < expiry[lease.resource]  # fenced (by its own clock) before anyone may take it over


async def test_a_renewal_reports_an_account_that_is_no_longer_ready(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet, keeping(fleet, 2) as (keeper, held, ends, _):
        await fleet.accounts.disable(held[1].account_id or 0)
        await ends.wait("unready")
        assert [lease.resource for lease in ends.unready][:1] == [held[1].resource]
        assert keeper.valid(held[1].resource)  # still valid: the holder lets it go the planned way
