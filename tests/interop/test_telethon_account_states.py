"""Telethon (an independent client) against the sandbox's account conditions: two Telethon clients on one string
session at once both get AUTH_KEY_DUPLICATED while one that reconnects never does; a frozen account's
FROZEN_METHOD_INVALID and help.getAppConfig freeze fields; a banned one's USER_DEACTIVATED_BAN; PEER_FLOOD past
the day's new peers; another session's account.resetAuthorization ending Telethon's with SESSION_REVOKED."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.peer_limits import PeerLimits
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID
from tgfleet.sandbox.world import World

pytest.importorskip("telethon", minversion="1.45")

from telethon import TelegramClient
from telethon import errors as telethon_errors
from telethon.sessions import StringSession
from telethon.tl import functions as telethon_functions
from telethon.tl import types as telethon_types

from .helpers import bounded, telethon_client, telethon_login

ME = telethon_functions.users.GetUsersRequest(id=[telethon_types.InputUserSelf()])


async def logged_in(tg: Sandbox, phone: str, **options: Any) -> TelegramClient:
    client = telethon_client(tg, 1, **options)
    await telethon_login(client, tg, phone)
    return client


async def test_two_telethon_clients_on_one_session_get_auth_key_duplicated_and_a_reconnect_does_not() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user("+15557400001", "Alice", dc=1)
        first = await logged_in(tg, alice.phone)
        try:
            await bounded(first.disconnect())
            await bounded(first.connect())  # a reconnect: the old connection closed first
            assert (await bounded(first.get_me())).id == alice.id
            assert tg.stats()["auth_key_duplicated"] == 0

            copy = StringSession.save(first.session)  # type: ignore[arg-type]
            second = telethon_client(tg, 1, session=StringSession(copy))
            await bounded(second.connect())
            assert (await bounded(second.get_me())).id == alice.id
            with pytest.raises(telethon_errors.AuthKeyDuplicatedError):
                await bounded(first.get_me())
            with pytest.raises(telethon_errors.AuthKeyDuplicatedError):
                await bounded(second.get_me())
            assert tg.stats()["auth_key_duplicated"] == 2 and tg.world.authorizations_of(alice.id) == []
        finally:
            await bounded(asyncio.gather(first.disconnect(), second.disconnect()))


async def test_telethon_sees_frozen_banned_peer_flood_and_a_revoked_session() -> None:
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        alice, bob = (
            tg.add_user("+15557400011", "Alice", dc=1),
            tg.add_user("+15557400012", "Bob", dc=1, username="bob_t"),
        )
        carol = tg.add_user("+15557400013", "Carol", dc=1, username="carol_t")
        client = await logged_in(tg, alice.phone)
        try:
            tg.world.freeze_account(alice.id, appeal_url="https://t.me/spambot")
            with pytest.raises(telethon_errors.FrozenMethodInvalidError):
                await bounded(client.send_message("bob_t", "hi"))
            config = await bounded(client(telethon_functions.help.GetAppConfigRequest(hash=0)))
            values = {v.key: v.value.value for v in config.config.value}
            assert values["freeze_appeal_url"] == "https://t.me/spambot" and values["freeze_since_date"] > 0
            tg.world.unfreeze_account(alice.id)

            tg.world.set_peer_limits(PeerLimits(new_peers_per_day=1))
            await bounded(client.send_message("bob_t", "hi"))
            with pytest.raises(telethon_errors.PeerFloodError):
                await bounded(client.send_message("carol_t", "hi"))
            await bounded(client.send_message("bob_t", "again"))  # an existing chat
            assert [m.text for m in tg.messages_of(bob.id)] == ["hi", "again"] and tg.messages_of(carol.id) == []

            other = await logged_in(tg, alice.phone)
            try:
                sessions = await bounded(other(telethon_functions.account.GetAuthorizationsRequest()))
                [theirs] = [a for a in sessions.authorizations if not a.current]
                clock.advance(86400)  # a session younger than a day may not end others
                assert await bounded(other(telethon_functions.account.ResetAuthorizationRequest(hash=theirs.hash)))
                with pytest.raises(telethon_errors.SessionRevokedError):  # (Telethon's get_me() hides 401s)
                    await bounded(client(ME))
                tg.world.ban_user(alice.id)
                with pytest.raises(telethon_errors.UserDeactivatedBanError):
                    await bounded(other(ME))
            finally:
                await bounded(other.disconnect())
        finally:
            await bounded(client.disconnect())
