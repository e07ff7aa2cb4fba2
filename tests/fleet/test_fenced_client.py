"""A real ``tgfleet.Client`` on the fenced storage, against the sandbox: a login under a lease reaches the store
through fenced writes; another worker, at a new epoch, carries on from the store without a new login or key; the
old holder's writes are refused from then on (and counted), and it is told so it can fence itself; what it writes
after that stays in its memory, never stored."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet.fleet import AccountState, Fleet, StaleEpoch
from tgfleet.fleet.client import FleetClient
from tgfleet.sandbox import Sandbox
from tgfleet.storage import PeerRecord, PeerType

from ..client.helpers import FAST, login


def client_on(storage: object, tg: Sandbox, name: str) -> FleetClient:
    return FleetClient(storage, name, api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network, **FAST)  # type: ignore[arg-type]


async def test_a_login_under_a_lease_survives_a_hand_off_and_the_stale_writer_is_refused(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url) as fleet:
        alice = tg.add_user(phone="+15553000001", first_name="Alice", dc=2)
        bob = tg.add_user(phone="+15553000002", first_name="Bob", username="bob_fleet", dc=2)
        account = await fleet.accounts.create("alice", phone=alice.phone)
        assert account.state is AccountState.NEEDS_LOGIN
        one, two = await fleet.workers.register(10), await fleet.workers.register(10)

        lease = await fleet.leases.acquire_account(account.id, one)
        stale_seen: list[StaleEpoch] = []
        first = await fleet.sessions.storage(lease, on_stale=stale_seen.append)
        client = client_on(first, tg, "alice-1")
        await client.connect()
        await login(client, tg, alice.phone)
        await client.send_message("@bob_fleet", "hello from the fleet")
        await client.disconnect()
        await first.flush()
        assert not first.pending
        stored = await fleet.accounts.get("alice")
        assert (stored.user_id, stored.dc_id) == (alice.id, 2) and stored.auth_key_id is not None
        keys = {dc: tg.auth_key_ids(dc) for dc in tg.dc_ids}

        await fleet.leases.release(one, [lease])
        second_lease = await fleet.leases.acquire_account(account.id, two)
        assert second_lease.epoch == lease.epoch + 1
        second = await fleet.sessions.storage(second_lease)
        second.open()
        assert second.peer_by_username("bob_fleet") is not None  # the peer cache came along
        again = client_on(second, tg, "alice-2")
        assert await again.connect() is True  # authorized from the store: no new login
        assert (await again.get_me()).id == alice.id
        await again.send_message("@bob_fleet", "and from its next holder")
        await again.disconnect()
        await second.flush()
        assert {dc: tg.auth_key_ids(dc) for dc in tg.dc_ids} == keys  # no new key anywhere
        assert [m.text for m in tg.messages_of(bob.id, alice.id)] == [
            "hello from the fleet",
            "and from its next holder",
        ]

        first.open()  # the old holder, still running (e.g. stopped past its lease and resumed), writes
        first.put_peers([PeerRecord(id=bob.id, type=PeerType.USER, access_hash=1, username="hijacked")])
        with pytest.raises(StaleEpoch) as refused:
            await first.flush()
        assert (refused.value.epoch, refused.value.current) == (lease.epoch, second_lease.epoch)
        assert stale_seen == [refused.value] and first.stale is refused.value
        first.set_server_salt(2, 99)  # later writes stay in memory (the client may be closing) and are never stored
        assert not first.pending
        with pytest.raises(StaleEpoch):
            await first.flush()
        assert fleet.counters.fence_refusals == 1  # one refusal: the later flush never reached the store
        third = await fleet.sessions.storage(second_lease)
        third.open()
        assert third.peer_by_username("hijacked") is None  # nothing of the stale write landed


async def test_save_flushes_and_a_lost_lease_is_reported_to_the_background_flush(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        account = await fleet.accounts.create("carol")
        one, two = await fleet.workers.register(1), await fleet.workers.register(1)
        lease = await fleet.leases.acquire_account(account.id, one)
        seen: list[StaleEpoch] = []
        storage = await fleet.sessions.storage(lease, flush_delay=60.0, on_stale=seen.append)
        storage.open()
        storage.set_user(4242, False)
        assert storage.pending
        storage.save()  # schedules a flush now, not in 60 s
        await asyncio.wait_for(storage.settled(), 20)
        assert (await fleet.accounts.get("carol")).user_id == 4242
        await fleet.leases.release(one, [lease])
        await fleet.leases.acquire_account(account.id, two)
        storage.set_user(5353, False)
        storage.save()
        await asyncio.wait_for(storage.settled(), 20)
        assert seen and storage.stale is seen[0]
        assert (await fleet.accounts.get("carol")).user_id == 4242
