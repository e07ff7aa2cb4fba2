"""Users and the address book through the sandbox, seen from both sides: get_users (ids, usernames, "me", a
contact's number), import_contacts (the number becomes visible to the importer; the contact's own number stays
hidden from him unless he is the contact's contact: "My contacts"), add_contact, get_contacts(_count),
delete_contacts, block_user / unblock_user with the blocked listing and the refused messages; Telegram's errors
as typed errors."""

from __future__ import annotations

import pytest

from tgfleet import enums, errors, types
from tgfleet.types import User

from .chat_pair import chat_pair
from .helpers import logged_in


async def test_import_by_number_shows_the_number_to_the_importer_only() -> None:
    async with chat_pair() as p:
        bob_phone = p.tg.world.user(p.bob_id).phone
        alice_phone = p.tg.world.user(p.alice_id).phone
        before = await p.bob.get_users(p.alice_id)
        assert isinstance(before, User) and before.phone_number is None  # "My contacts": bob is not hers
        answer = await p.alice.import_contacts([
            types.InputPhoneContact(bob_phone, "Robert", "B."),
            types.InputPhoneContact("+19990000000", "Nobody"),  # no account has it
        ])  # fmt: skip
        [imported] = answer.imported
        assert imported.user_id == p.bob_id and answer.retry_contacts == []
        [contact] = await p.alice.get_contacts()
        assert (contact.id, contact.first_name, contact.last_name) == (p.bob_id, "Robert", "B.")
        assert contact.is_contact and not contact.is_mutual_contact and contact.phone_number == bob_phone
        assert await p.alice.get_contacts_count() == 1
        by_number = await p.alice.get_users(f"+{bob_phone}")  # a contact's number names him
        assert isinstance(by_number, User) and by_number.id == p.bob_id

        seen_by_bob = await p.bob.get_users(p.alice_id)
        assert isinstance(seen_by_bob, User) and seen_by_bob.phone_number == alice_phone  # now he is her contact
        assert not seen_by_bob.is_contact and seen_by_bob.first_name == "Alice"

        added = await p.bob.add_contact(p.alice_id, "Ally")
        assert added.first_name == "Ally" and added.is_contact and added.is_mutual_contact
        [mutual] = await p.alice.get_contacts()
        assert mutual.is_mutual_contact


async def test_get_users_by_id_username_and_me() -> None:
    async with chat_pair() as p:
        me = await p.alice.get_users("me")
        assert isinstance(me, User) and me.is_self and me.id == p.alice_id
        bob_name = p.tg.world.user(p.bob_id).username
        both = await p.alice.get_users([p.bob_id, f"@{bob_name}", "me"])
        assert [u.id for u in both] == [p.bob_id, p.bob_id, p.alice_id]
        with pytest.raises(errors.PeerIdInvalid):  # never seen: no access hash
            await p.alice.get_users(1_234_567_890)


async def test_add_and_delete_contacts_and_their_errors() -> None:
    async with chat_pair() as p:
        with pytest.raises(errors.ContactIdInvalid):
            await p.alice.add_contact("me", "Myself")
        with pytest.raises(errors.ContactNameEmpty):
            await p.alice.add_contact(p.bob_id, " ")
        await p.alice.add_contact(p.bob_id, "Bob", share_phone_number=True)
        bob_sees = await p.bob.get_users(p.alice_id)  # alice shared her number with him
        assert isinstance(bob_sees, User) and bob_sees.phone_number == p.tg.world.user(p.alice_id).phone
        deleted = await p.alice.delete_contacts(p.bob_id)
        assert isinstance(deleted, User) and deleted.id == p.bob_id and not deleted.is_contact
        assert await p.alice.delete_contacts([p.bob_id]) is None  # no longer a contact: nothing changed
        assert await p.alice.get_contacts() == [] and await p.alice.get_contacts_count() == 0


async def test_a_block_refuses_messages_both_ways_until_unblocked() -> None:
    async with chat_pair() as p:
        assert await p.alice.block_user(p.bob_id) is True
        with pytest.raises(errors.YouBlockedUser):
            await p.alice.send_message(p.bob_id, "to the one I blocked")
        with pytest.raises(errors.UserIsBlocked):
            await p.bob.send_message(p.alice_id, "to the one who blocked me")
        assert p.tg.world.messages_of(p.alice_id, p.bob_id) == [] and p.tg.world.messages_of(p.bob_id, p.alice_id) == []
        assert [c.id async for c in p.alice.get_blocked_message_senders()] == [p.bob_id]
        assert [c.id async for c in p.bob.get_blocked_message_senders()] == []
        with pytest.raises(errors.ContactIdInvalid):
            await p.alice.block_user("me")

        assert await p.alice.unblock_user(p.bob_id) is True
        assert await p.alice.unblock_user(p.bob_id) is False  # not blocked any more
        await p.bob.send_message(p.alice_id, "hello again")
        assert [m.text async for m in p.alice.get_chat_history(p.bob_id)] == ["hello again"]
        assert [c async for c in p.alice.get_blocked_message_senders()] == []


async def test_the_blocked_listing_pages_the_last_blocked_first() -> None:
    async with chat_pair() as p:
        others = [p.tg.add_user(phone=f"+1555016{i:04d}", first_name=f"U{i}", dc=1) for i in range(5)]
        await p.alice.import_contacts([types.InputPhoneContact(u.phone, u.first_name) for u in others])
        for user in others:
            await p.alice.block_user(user.id)
        newest_first = [u.id for u in reversed(others)]
        assert [c.id async for c in p.alice.get_blocked_message_senders()] == newest_first
        assert [c.id async for c in p.alice.get_blocked_message_senders(offset=1, limit=3)] == newest_first[1:4]


async def test_a_number_hidden_from_search_is_not_imported() -> None:
    async with chat_pair() as p:
        carol = p.tg.add_user(phone="+15550170001", first_name="Carol", dc=1)
        c = await logged_in(p.tg, carol.phone, "carol")
        try:
            await c.set_privacy(enums.PrivacyKey.ADDED_BY_PHONE, [types.InputPrivacyRuleAllowContacts()])
            answer = await p.alice.import_contacts([types.InputPhoneContact(carol.phone, "Carol")])
            assert answer.imported == [] and await p.alice.get_contacts() == []
            with pytest.raises(errors.PhoneNotOccupied):
                await p.alice.resolve_peer(f"+{carol.phone}")
            await c.import_contacts([types.InputPhoneContact(p.tg.world.user(p.alice_id).phone, "A")])
            answer = await p.alice.import_contacts([types.InputPhoneContact(carol.phone, "Carol")])
            assert [i.user_id for i in answer.imported] == [carol.id]  # alice is carol's contact now
        finally:
            await c.disconnect()
