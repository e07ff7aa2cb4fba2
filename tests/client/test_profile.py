"""One's own profile through the sandbox, as another account sees it: update_profile (names, bio; FirstnameInvalid,
LastnameInvalid, AboutTooLong), set_username (resolvable by others at once, the old name free; UsernameOccupied,
UsernameInvalid, UsernameNotModified), update_status (online / offline as others see it, pushed to contacts as
updateUserStatus), get_privacy / set_privacy for the phone number and last seen (everybody, contacts, nobody) seen
through another account's view."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet import Client, enums, errors, types
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.types import User
from tgfleet.types.convert import input_user

from .chat_pair import chat_pair
from .helpers import logged_in

PROMPTLY = 10.0


async def _seen(viewer: Client, user_id: int) -> User:
    user = await viewer.get_users(user_id)
    assert isinstance(user, User)
    return user


async def test_names_and_bio_as_others_see_them_and_the_limits() -> None:
    async with chat_pair() as p:
        assert await p.alice.update_profile(first_name="Alicia", last_name="Liddell", bio="down the rabbit hole")
        seen = await _seen(p.bob, p.alice_id)
        assert (seen.first_name, seen.last_name) == ("Alicia", "Liddell")
        full = await p.bob.invoke(functions.users.GetFullUser(id=input_user(await p.bob.resolve_peer(p.alice_id))))
        assert full.full_user.about == "down the rabbit hole"
        await p.alice.update_profile(last_name="")  # removed; the rest unchanged
        seen = await _seen(p.bob, p.alice_id)
        assert (seen.first_name, seen.last_name) == ("Alicia", None)
        me = await p.alice.get_me()
        assert me.first_name == "Alicia"
        for wrong, error in (
            ({"first_name": " "}, errors.FirstnameInvalid),
            ({"first_name": "x" * 65}, errors.FirstnameInvalid),
            ({"last_name": "x" * 65}, errors.LastnameInvalid),
            ({"bio": "x" * 71}, errors.AboutTooLong),
        ):
            with pytest.raises(error):
                await p.alice.update_profile(**wrong)  # type: ignore[arg-type]
        assert (await _seen(p.bob, p.alice_id)).first_name == "Alicia"  # nothing of a refused call changed


async def test_a_new_username_resolves_for_others_and_frees_the_old_one() -> None:
    async with chat_pair() as p:
        old = p.tg.world.user(p.alice_id).username
        bob_name = p.tg.world.user(p.bob_id).username
        carol = p.tg.add_user(phone="+15550180001", first_name="Carol", dc=1)
        c = await logged_in(p.tg, carol.phone, "carol")
        try:
            assert await c.check_username("wonder_alice") is True
            assert await p.alice.set_username("wonder_alice") is True
            assert await c.check_username("wonder_alice") is False
            assert (await _seen(c, (await c.get_users("@wonder_alice")).id)).id == p.alice_id  # type: ignore[union-attr]
            with pytest.raises(errors.UsernameNotOccupied):
                await c.resolve_peer(f"@{old}")
            with pytest.raises(errors.UsernameOccupied):
                await c.set_username(bob_name)
            with pytest.raises(errors.UsernameInvalid):
                await c.set_username("ab")
            with pytest.raises(errors.UsernameNotModified):
                await p.alice.set_username("wonder_alice")
            assert await c.set_username(old) is True  # free again
            await p.alice.set_username(None)
            assert (await p.alice.get_me()).username is None
        finally:
            await c.disconnect()


async def test_status_and_phone_as_the_privacy_rules_let_others_see_them() -> None:
    async with chat_pair() as p:
        statuses: asyncio.Queue[User] = asyncio.Queue()

        @p.bob.on_user_status()
        async def on_status(_: Client, user: User) -> None:
            statuses.put_nowait(user)

        await p.bob.add_contact(p.alice_id, "Alice")  # contacts are told of a status change
        assert (await _seen(p.bob, p.alice_id)).status is enums.UserStatus.RECENTLY  # never told
        await p.alice.update_status()
        told = await within(statuses.get(), PROMPTLY)
        assert (told.id, told.status) == (p.alice_id, enums.UserStatus.ONLINE)
        seen = await _seen(p.bob, p.alice_id)
        assert seen.status is enums.UserStatus.ONLINE and seen.next_offline_date is not None
        await p.alice.update_status(offline=True)
        seen = await _seen(p.bob, p.alice_id)
        assert seen.status is enums.UserStatus.OFFLINE and seen.last_online_date is not None

        nobody = [types.InputPrivacyRuleDisallowAll()]
        rules = await p.alice.set_privacy(enums.PrivacyKey.STATUS, nobody)
        assert [r.type for r in rules] == [enums.PrivacyRuleType.DISALLOW_ALL]
        assert (await _seen(p.bob, p.alice_id)).status is enums.UserStatus.RECENTLY

        phone = p.tg.world.user(p.alice_id).phone
        default = await p.alice.get_privacy(enums.PrivacyKey.PHONE_NUMBER)  # Telegram's: "My contacts"
        assert [r.type for r in default] == [enums.PrivacyRuleType.ALLOW_CONTACTS, enums.PrivacyRuleType.DISALLOW_ALL]
        assert (await _seen(p.bob, p.alice_id)).phone_number is None
        await p.alice.set_privacy(enums.PrivacyKey.PHONE_NUMBER, [types.InputPrivacyRuleAllowAll()])
        assert (await _seen(p.bob, p.alice_id)).phone_number == phone
        only_bob = [types.InputPrivacyRuleAllowUsers(p.bob_id), types.InputPrivacyRuleDisallowAll()]
        rules = await p.alice.set_privacy(enums.PrivacyKey.PHONE_NUMBER, only_bob)
        assert [u.id for u in rules[0].users] == [p.bob_id]
        assert (await _seen(p.bob, p.alice_id)).phone_number == phone
        await p.alice.set_privacy(enums.PrivacyKey.PHONE_NUMBER, [types.InputPrivacyRuleDisallowUsers(p.bob_id)])
        assert (await _seen(p.bob, p.alice_id)).phone_number is None
        with pytest.raises(errors.PrivacyTooLong):
            await p.alice.set_privacy(enums.PrivacyKey.PHONE_NUMBER, [types.InputPrivacyRuleAllowAll()] * 17)
