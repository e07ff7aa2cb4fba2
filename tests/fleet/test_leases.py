"""Lease semantics on both engines: exclusive grants raising the epoch by one, renew and release conditional on
holder and epoch, takeover only after expiry plus grace, one-statement batch renewal reporting lost leases, the
fair share of claims, concurrent acquirers (tasks) never both winning."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from tgfleet.fleet import AccountState, Fleet, Lease, LeaseHeldError, LeaseSettings, StaleEpoch, WorkerState
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.leases import Leases
from tgfleet.fleet.store import Store, Tx

from .helpers import SHORT, populate, until


async def test_acquire_is_exclusive_and_each_grant_raises_the_epoch_by_one(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = (
            await fleet.workers.register(5, host="h1", pid=11),
            await fleet.workers.register(5, host="h2", pid=22),
        )
        first = await fleet.leases.acquire_account(account_id, one)
        assert (first.epoch, first.holder) == (1, one.id)
        with pytest.raises(LeaseHeldError) as held:
            await fleet.leases.acquire_account(account_id, two)
        assert (held.value.holder, held.value.host, held.value.pid) == (one.id, "h1", 11)
        assert held.value.expires_at == pytest.approx(first.expires_at)
        assert (await fleet.accounts.get(account_id)).holder == one.id

        assert await fleet.leases.release(one, [first]) == [first]  # planned hand-off: free at once
        second = await fleet.leases.acquire_account(account_id, two)
        assert second.epoch == 2
        await fleet.leases.release(two, [second])
        third = await fleet.leases.acquire_account(account_id, one)
        assert third.epoch == 3
        account = await fleet.accounts.get(account_id)
        assert (account.epoch, account.holder) == (3, one.id)  # the fence follows every grant
        assert fleet.counters.grants == 3 and fleet.counters.releases == 2


async def test_renew_and_release_are_conditional_on_holder_and_epoch(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = await fleet.workers.register(5), await fleet.workers.register(5)
        lease = await fleet.leases.acquire_account(account_id, one)
        forged_holder = replace(lease, holder=two.id)
        wrong_epoch = replace(lease, epoch=lease.epoch + 1)

        assert (await fleet.leases.renew(two, [forged_holder])).lost == [forged_holder]
        assert (await fleet.leases.renew(one, [wrong_epoch])).lost == [wrong_epoch]
        assert await fleet.leases.release(two, [forged_holder]) == []
        assert await fleet.leases.release(one, [wrong_epoch]) == []
        with pytest.raises(LeaseHeldError):  # still held by one
            await fleet.leases.acquire_account(account_id, two)

        result = await fleet.leases.renew(one, [lease])
        assert result.lost == [] and [r.resource for r in result.renewed] == [lease.resource]
        assert result.renewed[0].expires_at >= lease.expires_at
        assert await fleet.leases.release(one, [lease]) == [lease]
        assert (await fleet.leases.renew(one, [lease])).lost == [lease]  # released: nothing left to renew


async def test_a_lease_is_taken_over_only_after_expiry_plus_grace(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SHORT) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = await fleet.workers.register(5), await fleet.workers.register(5)
        first = await fleet.leases.acquire_account(account_id, one)
        stale = await fleet.sessions.storage(first)

        async def take() -> Lease | None:
            with contextlib.suppress(LeaseHeldError):
                return await fleet.leases.acquire_account(account_id, two)
            return None

        second = await until(take)
        granted_at = next(info.acquired_at for info in await fleet.leases.list() if info.resource == first.resource)
        assert granted_at is not None and granted_at >= first.expires_at + SHORT.grace  # never earlier
        assert second.epoch == first.epoch + 1
        assert (await fleet.leases.renew(one, [first])).lost == [first]
        stale.open()
        stale.set_server_salt(2, 1234)
        with pytest.raises(StaleEpoch) as refused:
            await stale.flush()
        assert (refused.value.epoch, refused.value.current) == (1, 2)


async def test_a_claim_takes_a_dead_holders_account_only_after_expiry_plus_grace(store_url: str) -> None:
    """The worker's way to pick up the accounts of a holder that died (no renewal, no release)."""
    async with Fleet.open(store_url, settings=SHORT) as fleet:
        await populate(fleet, 1)
        dead, alive = await fleet.workers.register(5), await fleet.workers.register(5)
        [first] = await fleet.leases.claim(dead)

        async def take() -> list[Lease] | None:
            await fleet.workers.heartbeat(alive)
            return await fleet.leases.claim(alive) or None

        [second] = await until(take)
        [info] = await fleet.leases.list()
        assert info.acquired_at is not None and info.acquired_at >= first.expires_at + SHORT.grace  # never earlier
        assert (second.epoch, info.holder) == (first.epoch + 1, alive.id)


class CountingStore(Store):
    """A store that counts the statements its transactions run (to show how many a lease operation needs)."""

    def __init__(self, inner: Store) -> None:
        self.inner, self.dialect, self.where, self.statements = inner, inner.dialect, inner.where, 0

    @contextlib.asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Tx]:
        async with self.inner.transaction(readonly=readonly) as tx:
            outer = self

            class Counted(Tx):
                dialect = tx.dialect

                async def execute(self, template, params=None):  # type: ignore[no-untyped-def]
                    outer.statements += 1
                    return await tx.execute(template, params)

                async def fetch(self, template, params=None):  # type: ignore[no-untyped-def]
                    outer.statements += 1
                    return await tx.fetch(template, params)

                async def executemany(self, template, rows):  # type: ignore[no-untyped-def]
                    outer.statements += 1
                    await tx.executemany(template, rows)

                async def batch(self, statements):  # type: ignore[no-untyped-def]
                    outer.statements += len(statements)
                    return await tx.batch(statements)

                def notify(self, channel: str, payload: str) -> None:
                    tx.notify(channel, payload)

            yield Counted()

    async def listen(self, channel: str):  # type: ignore[no-untyped-def]
        return await self.inner.listen(channel)

    async def exists(self) -> bool:
        return await self.inner.exists()

    async def close(self) -> None:
        await self.inner.close()


async def test_one_statement_renews_every_lease_of_a_worker_and_reports_the_lost_ones(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SHORT) as fleet:
        ids = await populate(fleet, 6)
        one, two = await fleet.workers.register(10), await fleet.workers.register(10)
        held = [await fleet.leases.acquire_account(account_id, one) for account_id in ids]

        async def take(account_id: int) -> Lease | None:
            with contextlib.suppress(LeaseHeldError):
                return await fleet.leases.acquire_account(account_id, two)
            return None

        taken = [await until(lambda a=a: take(a)) for a in ids[:2]]  # type: ignore[misc]
        counting = CountingStore(fleet.store)
        result = await Leases(counting, SHORT, Counters()).renew(one, held)
        assert counting.statements == 1
        assert {lease.resource for lease in result.lost} == {lease.resource for lease in taken}
        assert [lease.resource for lease in result.renewed] == [lease.resource for lease in held[2:]]


async def test_claims_take_the_fair_share_and_never_disabled_accounts(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        ids = await populate(fleet, 11)
        await fleet.accounts.disable("acct10", reason="test")
        workers = [await fleet.workers.register(100) for _ in range(3)]
        small = await fleet.workers.register(2)
        await fleet.workers.heartbeat(small, state=WorkerState.STOPPED)  # a stopped worker takes no share
        assert len(await fleet.leases.claim(small)) == 2  # capacity bounds it
        claimed = [await fleet.leases.claim(w) for w in workers]
        assert [len(c) for c in claimed] == [4, 4, 0]  # ceil(10 ready / 3 live) each, minus what is left
        every = [lease.account_id for batch in claimed for lease in batch] + [ids[0], ids[1]]
        assert ids[10] not in every
        assert await fleet.leases.claim(workers[0]) == []  # holds its share already
        assert all(lease.epoch == 1 for batch in claimed for lease in batch)
        await fleet.leases.release(workers[0], claimed[0])
        again = await fleet.leases.claim(workers[2])
        assert sorted(lease.account_id for lease in again) == sorted(lease.account_id for lease in claimed[0])
        assert all(lease.epoch == 2 for lease in again)


async def test_a_holder_of_capacity_0_takes_no_share_and_surplus_says_what_to_hand_back(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 6)
        one = await fleet.workers.register(100)
        await fleet.workers.register(0)  # e.g. ``fleet.lease(...)`` in another process: it holds, it takes no share
        assert len(await fleet.leases.claim(one)) == 6 and await fleet.leases.surplus(one) == 0
        two = await fleet.workers.register(100)
        assert await fleet.leases.surplus(one) == 3  # ceil(6 / 2): three to hand back
        assert await fleet.leases.surplus(two) == -3  # three to claim
        await fleet.accounts.disable("acct0")  # not ready: its holder lets it go anyway, it is no surplus
        assert await fleet.leases.surplus(one) == 2


async def test_a_renewal_names_the_leases_whose_account_is_no_longer_ready(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        ids = await populate(fleet, 3)
        worker = await fleet.workers.register(10)
        held = await fleet.leases.claim(worker)
        await fleet.accounts.disable(ids[1])
        result = await fleet.leases.renew(worker, held)
        assert len(result.renewed) == 3 and result.lost == []
        assert [lease.account_id for lease in result.unready] == [ids[1]]


async def test_only_runnable_states_are_claimed(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, len(AccountState))
        for i, state in enumerate(AccountState):
            await fleet.accounts.set_state(f"acct{i}", state)
        worker = await fleet.workers.register(100)
        claimed = {lease.account_id for lease in await fleet.leases.claim(worker)}
        states = {(await fleet.accounts.get(account_id)).state for account_id in claimed}
        assert states == {s for s in AccountState if s.runnable}


async def test_concurrent_acquirers_never_both_win(store_url: str) -> None:
    fleets = [await Fleet.open(store_url) for _ in range(6)]
    try:
        ids = await populate(fleets[0], 3)
        workers = [await f.workers.register(100) for f in fleets]

        async def acquire(f: Fleet, worker_index: int, account_id: int) -> Lease | None:
            with contextlib.suppress(LeaseHeldError):
                return await f.leases.acquire_account(account_id, workers[worker_index])
            return None

        results = await asyncio.gather(*(acquire(f, i, a) for a in ids for i, f in enumerate(fleets)))
        winners = [r for r in results if r is not None]
        assert sorted(w.account_id for w in winners) == ids  # one winner per account
        assert all(w.epoch == 1 for w in winners)

        more = await populate(fleets[0], 30, prefix="more")
        claims = await asyncio.gather(*(f.leases.claim(workers[i]) for i, f in enumerate(fleets)))
        claimed = [lease.account_id for batch in claims for lease in batch]
        assert len(claimed) == len(set(claimed)) and set(claimed) <= set(more)
    finally:
        for f in fleets:
            await f.close()


def test_lease_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        LeaseSettings(ttl=10, renew_interval=10)
    assert LeaseSettings().fence_after == 20.0


async def test_other_resources_get_a_lease_row_on_first_acquire(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        worker = await fleet.workers.register(1)
        first = await fleet.leases.acquire("login:7", worker)
        assert (first.epoch, first.account_id) == (1, None)
        await fleet.leases.release(worker, [first])
        assert (await fleet.leases.acquire("login:7", worker)).epoch == 2


async def test_workers_that_stopped_heartbeating_take_no_share(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SHORT) as fleet:
        await populate(fleet, 4)
        silent = await fleet.workers.register(100)
        alive = await fleet.workers.register(100)

        async def silent_is_dead() -> bool | None:
            await fleet.workers.heartbeat(alive)
            return True if not (await fleet.workers.get(silent.id)).live else None

        await until(silent_is_dead)
        assert len(await fleet.leases.claim(alive)) == 4  # the whole fleet: the silent worker is not live
        assert (await fleet.workers.get(alive.id)).leases == 4


async def test_a_login_lease_takes_no_share_of_the_accounts(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        worker = await fleet.workers.register(5, host="h1", pid=11)
        await fleet.leases.acquire("login:1", worker)  # a login flow it drives (no account yet)
        granted = await fleet.leases.claim(worker)
        assert len(granted) == 2  # its whole share of the two ready accounts, beside the login
        assert await fleet.leases.surplus(worker) == 0
