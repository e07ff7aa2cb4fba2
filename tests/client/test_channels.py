"""Supergroups and channels end to end through the sandbox: create, add and join (by username and by invite link),
members' handlers get the channel's messages, history and get_messages, dialogs, member lists and filters,
admins, restrictions and bans, slow mode, deletion; each refusal as its typed error (ChannelPrivate,
ChatWriteForbidden, ChatAdminRequired, UserNotParticipant, SlowmodeWait, InviteHashExpired)."""

from __future__ import annotations

import pytest

from tgfleet import enums, errors
from tgfleet.net.timeouts import within
from tgfleet.types import ChatPermissions, ChatPrivileges

from .chat_pair import chat_pair, inbox
from .helpers import logged_in

S = enums.ChatMemberStatus


async def test_supergroup_messages_history_and_members() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob)
        group = await p.alice.create_supergroup("Big", "a supergroup")
        assert group.type is enums.ChatType.SUPERGROUP and group.id < -1_000_000_000_000
        assert await p.alice.add_chat_members(group.id, p.bob_id)
        joined = await within(received.get(), 10)
        assert joined.chat.id == group.id and joined.new_chat_members[0].id == p.bob_id

        sent = await p.alice.send_message(group.id, "welcome")
        got = await within(received.get(), 10)
        assert (got.id, got.text, got.from_user.id) == (sent.id, "welcome", p.alice_id)
        await p.bob.send_message(group.id, "thanks", reply_to_message_id=got.id)
        history = [m async for m in p.alice.get_chat_history(group.id, limit=2)]
        assert [m.text for m in history] == ["thanks", "welcome"] and history[0].reply_to_message_id == sent.id
        fetched = await p.alice.get_messages(group.id, [sent.id, 999])
        assert fetched[0].text == "welcome" and fetched[1].empty
        dialogs = [d async for d in p.bob.get_dialogs()]
        assert dialogs[0].chat.id == group.id and dialogs[0].top_message.text == "thanks"

        full = await p.bob.get_chat(group.id)
        assert (full.title, full.description, full.members_count) == ("Big", "a supergroup", 2)
        admins = [
            m.user.id async for m in p.alice.get_chat_members(group.id, filter=enums.ChatMembersFilter.ADMINISTRATORS)
        ]
        assert admins == [p.alice_id]
        found = [m.user.id async for m in p.alice.get_chat_members(group.id, query="Bob")]
        assert found == [p.bob_id]
        assert (await p.alice.get_chat_member(group.id, p.bob_id)).status is S.MEMBER

        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.promote_chat_member(group.id, p.alice_id)
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.set_chat_title(group.id, "Mine")
        assert await p.alice.promote_chat_member(group.id, p.bob_id, ChatPrivileges(can_change_info=True))
        assert (await p.alice.get_chat_member(group.id, p.bob_id)).status is S.ADMINISTRATOR
        assert (await p.bob.set_chat_title(group.id, "Bigger")).new_chat_title == "Bigger"


async def test_restrict_ban_and_slow_mode() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_supergroup("Rules")
        await p.alice.add_chat_members(group.id, [p.bob_id])
        assert await p.alice.set_slow_mode(group.id, 60)
        await p.bob.send_message(group.id, "one")
        with pytest.raises(errors.SlowmodeWait) as waited:
            await p.bob.send_message(group.id, "two")
        assert 0 < waited.value.value <= 60
        await p.alice.send_message(group.id, "admins have no slow mode")
        await p.alice.send_message(group.id, "none at all")
        assert await p.alice.set_slow_mode(group.id, None)

        await p.alice.restrict_chat_member(group.id, p.bob_id, ChatPermissions(can_send_messages=False))
        assert (await p.alice.get_chat_member(group.id, p.bob_id)).status is S.RESTRICTED
        with pytest.raises(errors.ChatWriteForbidden):
            await p.bob.send_message(group.id, "muted")
        await p.alice.ban_chat_member(group.id, p.bob_id)
        banned = [m.user.id async for m in p.alice.get_chat_members(group.id, filter=enums.ChatMembersFilter.BANNED)]
        assert banned == [p.bob_id]
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.get_chat_history(group.id).__anext__()
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.join_chat(group.id)
        assert await p.alice.unban_chat_member(group.id, p.bob_id)
        with pytest.raises(errors.ChannelPrivate):
            await p.bob.join_chat(group.id)  # a private supergroup: by invitation only
        assert await p.alice.add_chat_members(group.id, p.bob_id)
        assert (await p.bob.send_message(group.id, "back")).text == "back"


async def test_channel_join_by_username_and_invite_link() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob)
        channel = await p.alice.create_channel("News", "daily news")
        assert channel.type is enums.ChatType.CHANNEL
        assert await p.alice.set_chat_username(channel.id, f"news_{p.alice_id}")
        joined = await p.bob.join_chat(f"@news_{p.alice_id}")
        assert joined.id == channel.id
        post = await p.alice.send_message(channel.id, "first post")
        got = await within(received.get(), 10)
        assert (got.id, got.text, got.from_user) == (post.id, "first post", None)  # a post names no sender
        with pytest.raises(errors.ChatWriteForbidden):
            await p.bob.send_message(channel.id, "may I?")
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.get_chat_members(channel.id).__anext__()  # only admins list a channel's members
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.create_chat_invite_link(channel.id)
        assert [m.text async for m in p.bob.get_chat_history(channel.id, limit=1)] == ["first post"]
        await p.bob.leave_chat(channel.id)
        with pytest.raises(errors.UserNotParticipant):
            await p.bob.leave_chat(channel.id)

        private = await p.alice.create_supergroup("Private")
        link = await p.alice.create_chat_invite_link(private.id, name="once", member_limit=1)
        assert link.invite_link.startswith("https://t.me/+") and link.name == "once" and not link.is_primary
        assert (await p.bob.join_chat(link.invite_link)).id == private.id
        assert (await p.alice.get_chat_invite_link(private.id, link.invite_link)).member_count == 1
        carol_user = p.tg.add_user(phone="+15550179999", first_name="Carol", dc=1)
        carol = await logged_in(p.tg, carol_user.phone, "carol")
        try:
            with pytest.raises(errors.InviteHashExpired):
                await carol.join_chat(link.invite_link)  # used up
            primary = await p.alice.export_chat_invite_link(private.id)
            assert (await carol.join_chat(primary)).id == private.id
        finally:
            await carol.disconnect()

        assert await p.alice.delete_supergroup(private.id)
        with pytest.raises(errors.ChannelInvalid):
            await p.bob.get_chat(private.id)
