"""Account health against the sandbox's own conditions, not forced errors, on both engines: PEER_FLOOD once the
account has started its day's new chats, SESSION_REVOKED after another session ended the account's authorization
with account.resetAuthorization, and AUTH_KEY_DUPLICATED when an exported copy of the account's key is used beside
the worker. Each moves the account to its state with the sandbox's own error as evidence."""

from __future__ import annotations

import asyncio

import pytest

from tests.clock import FakeClock
from tgfleet import errors
from tgfleet.client import Client
from tgfleet.fleet import Account, AccountState, Fleet
from tgfleet.sandbox import PeerLimits, Sandbox
from tgfleet.sandbox.accounts import SandboxUser
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID
from tgfleet.sandbox.world import World
from tgfleet.tl import functions, types

from ..client.helpers import logged_in, make_client
from .test_health import SETTINGS, last_state_event, state_of, worker
from .workers import seed

S = AccountState


def to_stranger(stranger: SandboxUser, viewer_id: int, n: int) -> functions.messages.SendMessage:
    peer = types.InputPeerUser(user_id=stranger.id, access_hash=stranger.access_hash(viewer_id))
    return functions.messages.SendMessage(peer=peer, message=f"hello {n}", random_id=n + 1)


async def test_starting_too_many_new_chats_limits_the_account_by_the_sandboxs_peer_flood(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="busy")
        strangers = [tg.add_user(f"+1557000{i:04d}", f"Stranger {i}", dc=2) for i in range(5)]
        world = tg.world
        assert isinstance(world, World)
        world.set_peer_limits(PeerLimits(new_peers_per_day=2))

        async def cold_messages(client: Client, account: Account) -> None:  # one new chat after another
            for n, stranger in enumerate(strangers):
                await client.invoke(to_stranger(stranger, busy.user_id, n))
            await asyncio.Event().wait()

        async with worker(fleet, tg, clock, job=cold_messages) as events:
            await events.until(lambda: state_of(events, busy) == "limited", what="limited by PEER_FLOOD")
            event = await last_state_event(fleet, busy)
            assert (event.to_state, event.evidence.code, event.evidence.name) == ("limited", 400, "PEER_FLOOD")
            assert event.evidence.detail["method"] == "messages.sendMessage"
            assert len(tg.messages_of(busy.user_id)) == 2  # the day's two new chats, nothing after them


async def test_a_session_ended_from_another_device_revokes_the_account(store_url: str) -> None:
    clock, world_clock = FakeClock(), FakeClock()
    sandbox_world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=2, clock=world_clock)
    async with Sandbox(dcs=2, world=sandbox_world) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="sender")
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            world = tg.world
            assert isinstance(world, World)
            phone = world.user(busy.user_id).phone
            other = await logged_in(tg, phone, "the owner's phone")
            try:
                sessions = (await other.invoke(functions.account.GetAuthorizations())).authorizations
                [fleets] = [a for a in sessions if not a.current]
                world_clock.advance(86400)  # a session younger than a day may not end others
                assert await other.invoke(functions.account.ResetAuthorization(hash=fleets.hash)) is True
                await events.until(lambda: events.of("released", busy.label), what="let go")
            finally:
                await other.disconnect()
            event = await last_state_event(fleet, busy)
            assert (event.to_state, event.evidence.code, event.evidence.name) == ("revoked", 401, "SESSION_REVOKED")
            assert (await fleet.accounts.get(busy.label)).state is S.REVOKED


async def test_an_exported_copy_used_beside_the_worker_revokes_the_account(store_url: str) -> None:
    clock = FakeClock()
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [busy] = await seed(tg, fleet, 1, prefix="sender")  # the worker's client sends every 50 ms
        async with worker(fleet, tg, clock) as events:
            await events.until(lambda: state_of(events, busy) == "active", what="probed at its first connect")
            copy = make_client(tg, "a copy", session_string=await fleet.accounts.export(busy.label, "pyrogram"))
            try:
                logged_out = (errors.AuthKeyDuplicated, errors.AuthKeyUnregistered)
                with pytest.raises((*logged_out, errors.ConnectionFailed)) as raised:  # logged out with it
                    await copy.connect()  # a newer connection on the key: the worker's next message is the offence
                    await events.until(lambda: events.of("released", busy.label), what="let go")
                    await copy.get_me()
                # The copy's own updates catch-up may meet the unregistered key first: then it is FAILED by it
                cause = raised.value.reason if isinstance(raised.value, errors.ConnectionFailed) else raised.value
                assert isinstance(cause, logged_out), cause
                await events.until(lambda: events.of("released", busy.label), what="let go")
            finally:
                await copy.disconnect()
            event = await last_state_event(fleet, busy)
            assert (event.to_state, event.evidence.code, event.evidence.name) == ("revoked", 406, "AUTH_KEY_DUPLICATED")
            assert tg.stats()["auth_key_duplicated"] >= 1
