"""Each account's last probe in the store, on both engines: a worker's probe records its time, its outcome and the
sessions account.getAuthorizations listed (an account logged in twice shows both, ours marked, the other waiting for
confirmation); a failed probe records the error's name and keeps the last listing; a stale holder's probe is refused
and changes nothing; the listing is bounded; the API, ``tgfleet fleet accounts show`` and its ``--json`` show it."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.clock import FakeClock
from tgfleet.errors import rpc_error
from tgfleet.fleet import AccountState, Fleet, StaleEpoch
from tgfleet.fleet.health import Health
from tgfleet.fleet.health_rules import Authorizations, Findings
from tgfleet.fleet.probes import MAX_SESSIONS, MAX_TEXT, authorizations_of
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.world import World
from tgfleet.tl import functions, types

from ..client.helpers import logged_in
from ..service.helpers import in_process
from .helpers import populate
from .test_cli import fleet as cli
from .test_health import SETTINGS, probes_of, state_of, worker
from .workers import seed

OWN = {"current": True, "unconfirmed": False, "device_model": "fleet", "platform": "", "api_id": 1, "app_name": "tg",
       "app_version": "1", "date_created": 100, "date_active": 200, "country": "NL"}  # fmt: skip
LISTED = Authorizations(own=OWN, count=1, sessions=(OWN,))


async def test_a_workers_probe_records_its_time_outcome_and_the_accounts_two_sessions(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [idle] = await seed(tg, fleet, 1, prefix="idle")
        world = tg.world
        assert isinstance(world, World)
        other = await logged_in(tg, world.user(idle.user_id).phone, device_model="Owner's laptop")  # a 2nd session
        try:
            assert (await fleet.accounts.get(idle.label)).last_probe_at is None
            assert await fleet.accounts.sessions(idle.label) is None
            async with worker(fleet, tg, clock) as events:
                await events.until(lambda: state_of(events, idle) == "active", what="probed at its first connect")
                await events.until(lambda: probes_of(events, idle) >= 1, what="its probe recorded")
                probed = await fleet.accounts.get(idle.label)
                assert probed.last_probe_result == "ok" and probed.last_probe_at is not None
                listed = await fleet.accounts.sessions(idle.label)
                assert listed is not None and listed.count == 2
                ours, theirs = listed.sessions  # ours first
                assert (ours.current, theirs.current, theirs.unconfirmed) == (True, False, True)
                assert theirs.device_model == "Owner's laptop"

                tg.force_error(functions.users.GetUsers, 401, "AUTH_KEY_UNREGISTERED", user_id=idle.user_id)
                await events.until(lambda: events.of("released", idle.label), what="its failed probe let it go")
            failed = await fleet.accounts.get(idle.label)
            assert failed.state is AccountState.NEEDS_LOGIN
            assert failed.last_probe_result == "AUTH_KEY_UNREGISTERED"
            assert failed.last_probe_at is not None and failed.last_probe_at >= probed.last_probe_at
            assert await fleet.accounts.sessions(idle.label) == listed  # a failed probe lists nothing: the last stays
        finally:
            await other.disconnect()


async def test_a_stale_holders_probe_is_refused_and_changes_nothing(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = await fleet.workers.register(1), await fleet.workers.register(1)
        lease = await fleet.leases.acquire_account(account_id, one)
        health = Health(fleet.accounts, one.id)
        first = await health.on_probe(await fleet.accounts.get(account_id), Findings(authorizations=LISTED),
                                      epoch=lease.epoch)  # fmt: skip
        assert (first.state, first.last_probe_result) == (AccountState.ACTIVE, "ok")
        listed = await fleet.accounts.sessions(account_id)
        assert listed is not None and listed.count == 1 and listed.sessions[0].device_model == "fleet"

        await fleet.leases.release(one, [lease])
        newer = await fleet.leases.acquire_account(account_id, two)
        with pytest.raises(StaleEpoch):
            await health.on_probe(first, Findings(authorizations=Authorizations(own=None)), epoch=lease.epoch)
        with pytest.raises(StaleEpoch):
            await health.on_probe_error(first, rpc_error(420, "FLOOD_WAIT_30"), epoch=lease.epoch)
        after = await fleet.accounts.get(account_id)
        assert (after.state, after.last_probe_at, after.last_probe_result) == (
            AccountState.ACTIVE, first.last_probe_at, "ok")  # fmt: skip
        assert await fleet.accounts.sessions(account_id) == listed

        waited = await Health(fleet.accounts, two.id).on_probe_error(after, rpc_error(420, "FLOOD_WAIT_30"),
                                                                     epoch=newer.epoch)  # fmt: skip
        assert waited.last_probe_result == "FLOOD_WAIT_30"
        assert await fleet.accounts.sessions(account_id) == listed  # nothing listed: the last listing stays


def authorization(n: int, **flags: bool) -> types.Authorization:
    return types.Authorization(hash=n + 1, device_model=f"device {n} " + "x" * 500, platform="p", system_version="s",
                               api_id=1, app_name="app", app_version="1", date_created=n, date_active=n,
                               ip="203.0.113.7", country="NL", region="North Holland", **flags)  # fmt: skip


def test_a_listing_keeps_at_most_its_bound_ours_and_the_unconfirmed_first_without_ip_region_or_hash() -> None:
    many = [authorization(n) for n in range(150)]
    many[70] = authorization(70, current=True)
    many[3] = authorization(3, unconfirmed=True)
    found = authorizations_of(many)
    assert found.count == 150 and len(found.sessions) == MAX_SESSIONS
    assert [s["date_created"] for s in found.sessions[:4]] == [70, 3, 149, 148]  # ours, unconfirmed, most active
    assert found.own is not None and found.own["date_created"] == 70
    assert all(len(s["device_model"]) == MAX_TEXT for s in found.sessions)
    assert not {"ip", "region", "hash"} & {key for s in found.sessions for key in s}


async def test_the_api_and_the_cli_show_the_last_probe_and_the_sessions(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one = await fleet.workers.register(1)
        lease = await fleet.leases.acquire_account(account_id, one)
        health = Health(fleet.accounts, one.id)
        probed = await health.on_probe(await fleet.accounts.get(account_id), Findings(authorizations=LISTED),
                                       epoch=lease.epoch)  # fmt: skip
        async with in_process(fleet) as api:
            read = api.auth("read")
            [item] = (await api.client.get("/v1/accounts", headers=read)).json()["items"]
            assert (item["last_probe_at"], item["last_probe_result"]) == (probed.last_probe_at, "ok")
            shown = (await api.client.get(f"/v1/accounts/{probed.label}", headers=read)).json()
            assert shown["authorizations"]["count"] == 1 and shown["authorizations"]["sessions"] == [OWN]
            assert shown["authorizations"]["listed_at"] is not None and shown["last_probe_result"] == "ok"
            accounts_page = (await api.client.get("/accounts", headers=read)).text
            assert 'class="probe"><time' in accounts_page and "probe-error" not in accounts_page
            await health.on_probe_error(probed, rpc_error(420, "FLOOD_WAIT_30"), epoch=lease.epoch)
            accounts_page = (await api.client.get("/accounts", headers=read)).text
            assert 'probe-error">FLOOD_WAIT_30</span>' in accounts_page  # not ok: the outcome as a badge
            account_page = (await api.client.get(f"/accounts/{probed.label}", headers=read)).text
            assert "1 session, as a probe listed them" in account_page and "this session" in account_page
    text = (await asyncio.to_thread(cli, "accounts", "show", probed.label, "--store", store_url)).stdout
    assert "last_probe:     FLOOD_WAIT_30" in text and "sessions:       1, listed" in text
    assert "fleet · tg 1 · NL" in text and "(this session)" in text
    listed = (await asyncio.to_thread(cli, "accounts", "list", "--store", store_url)).stdout
    assert "last probe" in listed.splitlines()[0] and "FLOOD_WAIT_30 " in listed.splitlines()[-1]
    data = json.loads((await asyncio.to_thread(cli, "accounts", "show", probed.label, "--store", store_url,
                                               "--json")).stdout)  # fmt: skip
    assert data["account"]["last_probe_result"] == "FLOOD_WAIT_30" and data["authorizations"]["sessions"] == [OWN]
