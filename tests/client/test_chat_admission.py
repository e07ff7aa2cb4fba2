"""Who may be added to a chat and when a ban ends, end to end through the sandbox on a world clock the test moves:
a user whose "who can add me to chats" privacy (PrivacyKey.CHAT_INVITE) refuses the inviter makes
add_chat_members / create_group raise UserPrivacyRestricted until he allows it (a contact passes "My contacts");
a ban or restriction with an until_date ends when the clock reaches it, one without stays."""

from __future__ import annotations

from datetime import datetime

import pytest

from tgfleet import enums, errors, types
from tgfleet.types import ChatPermissions

from .chat_pair import chat_pair, clocked_pair

HOUR = 3600
CONTACTS_ONLY = [types.InputPrivacyRuleAllowContacts(), types.InputPrivacyRuleDisallowAll()]


async def test_chat_invite_privacy_refuses_the_inviter_until_he_is_allowed() -> None:
    async with chat_pair() as p:
        await p.bob.set_privacy(enums.PrivacyKey.CHAT_INVITE, [types.InputPrivacyRuleDisallowAll()])
        with pytest.raises(errors.UserPrivacyRestricted):
            await p.alice.create_group("Nobody else", p.bob_id)
        supergroup = await p.alice.create_supergroup("Room")
        with pytest.raises(errors.UserPrivacyRestricted):
            await p.alice.add_chat_members(supergroup.id, p.bob_id)
        assert [m.user.id async for m in p.alice.get_chat_members(supergroup.id)] == [p.alice_id]

        await p.bob.set_privacy(enums.PrivacyKey.CHAT_INVITE, CONTACTS_ONLY)
        with pytest.raises(errors.UserPrivacyRestricted):
            await p.alice.add_chat_members(supergroup.id, p.bob_id)  # she is not his contact
        await p.bob.add_contact(p.alice_id, "Alice")
        assert await p.alice.add_chat_members(supergroup.id, p.bob_id)
        group = await p.alice.create_group("Friends", p.bob_id)
        assert group.members_count == 2


async def test_a_ban_and_a_restriction_end_at_their_until_date() -> None:
    async with clocked_pair() as (p, clock):
        room = await p.alice.create_supergroup("Timed")
        await p.alice.set_chat_username(room.id, "timed_room")
        await p.alice.add_chat_members(room.id, p.bob_id)
        until = datetime.fromtimestamp(clock.now + HOUR)
        await p.alice.restrict_chat_member(room.id, p.bob_id, ChatPermissions(can_send_messages=False), until)
        with pytest.raises(errors.ChatWriteForbidden):
            await p.bob.send_message(room.id, "muted")
        clock.advance(HOUR)
        assert (await p.bob.send_message(room.id, "free again")).text == "free again"
        assert (await p.alice.get_chat_member(room.id, p.bob_id)).status is enums.ChatMemberStatus.MEMBER

        await p.alice.ban_chat_member(room.id, p.bob_id, datetime.fromtimestamp(clock.now + HOUR))
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.join_chat("timed_room")
        clock.advance(HOUR - 60)
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.join_chat("timed_room")  # not yet
        clock.advance(60)
        assert (await p.bob.join_chat("timed_room")).id == room.id

        await p.alice.ban_chat_member(room.id, p.bob_id)  # no until_date: for good
        clock.advance(400 * 86400)
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.join_chat("timed_room")
