"""Frozen, banned and deleted accounts (``standing.py``), seen by tgfleet's Client over loopback: a frozen account
reads but gets FROZEN_METHOD_INVALID for the rest and FROZEN_PARTICIPANT_MISSING for a stranger's history, with
help.getAppConfig's freeze fields (and hash) until the freeze ends; a banned account's keys get USER_DEACTIVATED_BAN
and its number PHONE_NUMBER_BANNED; a deleted account's keys get USER_DEACTIVATED and its number signs up anew."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet import Client, errors
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.accounts import SandboxUser
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID
from tgfleet.sandbox.world import World
from tgfleet.tl import functions, types
from tgfleet.tl.types import help as t_help

from ..client.helpers import logged_in, make_client


@asynccontextmanager
async def sandbox() -> AsyncIterator[tuple[Sandbox, World, FakeClock]]:
    """A sandbox whose world runs on a clock the test moves (the network side keeps real time)."""
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        yield tg, world, clock


def send(to: SandboxUser, viewer: SandboxUser, text: str = "hi") -> functions.messages.SendMessage:
    peer = types.InputPeerUser(user_id=to.id, access_hash=to.access_hash(viewer.id))
    return functions.messages.SendMessage(peer=peer, message=text, random_id=int.from_bytes(text.encode()[:7], "big"))


def history(of: SandboxUser, viewer: SandboxUser) -> functions.messages.GetHistory:
    peer = types.InputPeerUser(user_id=of.id, access_hash=of.access_hash(viewer.id))
    return functions.messages.GetHistory(
        peer=peer, offset_id=0, offset_date=0, add_offset=0, limit=10, max_id=0, min_id=0, hash=0
    )


async def config(client: Client, hash_: int = 0) -> Any:
    return await client.invoke(functions.help.GetAppConfig(hash=hash_))


def values(answer: t_help.AppConfig) -> dict[str, Any]:
    return {v.key: getattr(v.value, "value", None) for v in answer.config.value}


async def test_a_frozen_account_reads_but_may_not_write_until_its_freeze_ends() -> None:
    async with sandbox() as (tg, world, clock):
        alice, bob, carol = (tg.add_user(f"+1555720000{i}", name, dc=1) for i, name in enumerate("ABC"))
        world.send_message(bob.id, alice.id, "hello Alice")  # a chat Alice has
        client = await logged_in(tg, alice.phone)
        try:
            before = await config(client)
            assert isinstance(before, t_help.AppConfig) and "freeze_since_date" not in values(before)
            assert isinstance(await config(client, before.hash), t_help.AppConfigNotModified)

            world.freeze_account(alice.id, until=clock.now + 3600, appeal_url="https://t.me/spambot")
            frozen = await config(client, before.hash)  # the hash no longer matches: the whole object again
            assert isinstance(frozen, t_help.AppConfig) and frozen.hash != before.hash
            got = values(frozen)
            assert {k: v for k, v in got.items() if not k.startswith("freeze_")} == values(before)
            assert got["freeze_appeal_url"] == "https://t.me/spambot"
            assert (got["freeze_since_date"], got["freeze_until_date"]) == (int(clock.now), int(clock.now) + 3600)
            with pytest.raises(errors.FrozenMethodInvalid):
                await client.invoke(send(bob, alice))
            with pytest.raises(errors.FrozenMethodInvalid):
                await client.invoke(functions.contacts.ResolvePhone(phone=carol.phone))
            assert (await client.get_me()).id == alice.id  # reading still works
            assert len((await client.invoke(history(bob, alice))).messages) == 1
            await client.invoke(functions.updates.GetState())
            await client.invoke(functions.account.GetAuthorizations())
            with pytest.raises(errors.FrozenParticipantMissing):
                await client.invoke(history(carol, alice))  # a peer it has no chat with

            clock.advance(3600)  # the freeze is over
            await client.invoke(send(bob, alice))
            assert "freeze_since_date" not in values(await config(client))
        finally:
            await client.disconnect()


async def test_unfreeze_account_ends_a_freeze_without_end_at_once() -> None:
    async with sandbox() as (tg, world, clock):
        alice, bob = tg.add_user("+15557201001", "Al", dc=1), tg.add_user("+15557201002", "Bo", dc=1)
        client = await logged_in(tg, alice.phone)
        try:
            world.freeze_account(alice.id)
            clock.advance(365 * 86400)
            assert "freeze_until_date" not in values(await config(client))
            with pytest.raises(errors.FrozenMethodInvalid):
                await client.invoke(send(bob, alice))
            world.unfreeze_account(alice.id)
            await client.invoke(send(bob, alice))
        finally:
            await client.disconnect()
        with pytest.raises(ValueError):
            world.freeze_account(alice.id, until=clock.now)


async def test_a_banned_accounts_keys_get_user_deactivated_ban_and_its_number_phone_number_banned() -> None:
    async with sandbox() as (tg, world, _):
        alice = tg.add_user("+15557202001", "Al", dc=1)
        client = await logged_in(tg, alice.phone)
        world.ban_user(alice.id)
        try:
            with pytest.raises(errors.UserDeactivatedBan):
                await client.get_me()
        finally:
            await client.disconnect()
        other = make_client(tg, "other")
        try:
            await other.connect()
            with pytest.raises(errors.PhoneNumberBanned):
                await other.send_code(alice.phone)
            world.unban_user(alice.id)
            await other.send_code(alice.phone)
        finally:
            await other.disconnect()


async def test_a_deleted_account_is_gone_for_good_and_its_number_signs_up_a_new_one() -> None:
    async with sandbox() as (tg, world, _):
        alice, bob = tg.add_user("+15557203001", "Al", dc=1, username="alice_gone"), tg.add_user("+15557203002", "Bo")
        client = await logged_in(tg, alice.phone, "alice")
        peer = await logged_in(tg, bob.phone, "bob")
        world.delete_user(alice.id)
        try:
            with pytest.raises(errors.UserDeactivated):
                await client.get_me()
            with pytest.raises(errors.InputUserDeactivated):
                await peer.invoke(send(alice, bob))
            [seen] = await peer.invoke(
                functions.users.GetUsers(id=[types.InputUser(user_id=alice.id, access_hash=alice.access_hash(bob.id))])
            )
            assert seen.deleted and seen.first_name is None
            with pytest.raises(errors.UsernameNotOccupied):
                await peer.invoke(functions.contacts.ResolveUsername(username="alice_gone"))
        finally:
            await client.disconnect()
            await peer.disconnect()
        again = make_client(tg, "again")
        try:
            await again.connect()
            sent = await again.send_code(alice.phone)
            with pytest.raises(errors.PhoneNumberUnoccupied):
                await again.sign_in(alice.phone, sent.phone_code_hash, tg.login_code(alice.phone))
            new = await again.sign_up(alice.phone, sent.phone_code_hash, "Newcomer")
            assert new.id != alice.id and (await again.get_me()).first_name == "Newcomer"
        finally:
            await again.disconnect()
        assert world.user_by_phone(alice.phone) == world.user(new.id) and world.user(alice.id).phone == alice.phone
