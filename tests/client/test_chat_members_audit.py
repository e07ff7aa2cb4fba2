"""The member lists and deletions issue #16 names that no other test asserted, end to end through the sandbox:
get_chat_members with the RECENT filter (every member, the latest to join first), RESTRICTED (restricted, not
banned) against BANNED, BOTS (the bots among the members), and delete_channel: refused to an admin who is not the
creator (ChatAdminRequired), then the channel is gone for its members (ChannelInvalid, out of their dialogs);
get_chat_members_count in a basic group and a supergroup (ValueError for a private chat), and the inviter of a
member who joined by link, whom the sandbox names in ``users`` as Telegram does."""

from __future__ import annotations

import pytest

from tgfleet import Client, enums, errors
from tgfleet.types import ChatPermissions, ChatPrivileges

from .chat_pair import chat_pair, clocked_pair

F = enums.ChatMembersFilter


async def _ids(client: Client, chat_id: int, kind: enums.ChatMembersFilter) -> list[int]:
    return [m.user.id async for m in client.get_chat_members(chat_id, filter=kind)]


async def test_recent_lists_the_latest_to_join_first_and_bots_lists_the_bots() -> None:
    async with clocked_pair() as (p, clock):
        p.tg.add_bot("audit_helper_bot", "Helper")
        bot_id = (await p.alice.get_users("audit_helper_bot")).id
        group = await p.alice.create_supergroup("Filters")
        clock.advance(60)
        await p.alice.add_chat_members(group.id, p.bob_id)
        clock.advance(60)
        await p.alice.add_chat_members(group.id, "audit_helper_bot")
        assert await _ids(p.alice, group.id, F.RECENT) == [bot_id, p.bob_id, p.alice_id]
        assert await _ids(p.bob, group.id, F.BOTS) == [bot_id]
        assert await _ids(p.alice, group.id, F.ADMINISTRATORS) == [p.alice_id]


async def test_restricted_and_banned_are_listed_apart() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_supergroup("Rules")
        await p.alice.add_chat_members(group.id, p.bob_id)
        assert await _ids(p.alice, group.id, F.RESTRICTED) == []
        await p.alice.restrict_chat_member(group.id, p.bob_id, ChatPermissions(can_send_messages=False))
        assert await _ids(p.alice, group.id, F.RESTRICTED) == [p.bob_id]
        assert await _ids(p.alice, group.id, F.BANNED) == []
        assert p.bob_id in await _ids(p.alice, group.id, F.RECENT)  # a restricted member is still a member
        await p.alice.ban_chat_member(group.id, p.bob_id)
        assert await _ids(p.alice, group.id, F.BANNED) == [p.bob_id]
        assert await _ids(p.alice, group.id, F.RESTRICTED) == []
        assert await _ids(p.alice, group.id, F.RECENT) == [p.alice_id]


async def test_only_the_creator_deletes_a_channel_and_its_members_lose_it() -> None:
    async with chat_pair() as p:
        channel = await p.alice.create_channel("Doomed", "soon gone")
        await p.alice.add_chat_members(channel.id, p.bob_id)
        assert await p.alice.promote_chat_member(channel.id, p.bob_id, ChatPrivileges(can_post_messages=True))
        with pytest.raises(errors.ChatAdminRequired):  # an admin, not the creator
            await p.bob.delete_channel(channel.id)
        await p.bob.send_message(channel.id, "an admin's post")
        assert channel.id in {d.chat.id async for d in p.bob.get_dialogs()}

        assert await p.alice.delete_channel(channel.id) is True
        with pytest.raises(errors.ChannelInvalid):
            await p.bob.get_chat(channel.id)
        with pytest.raises(errors.ChannelInvalid):
            await p.alice.get_chat(channel.id)
        assert channel.id not in {d.chat.id async for d in p.bob.get_dialogs()}
        assert channel.id not in {d.chat.id async for d in p.alice.get_dialogs()}


async def test_members_count_and_the_inviter_of_a_member_who_joined_by_link() -> None:
    async with chat_pair() as p:
        basic = await p.alice.create_group("Counted", p.bob_id)
        assert await p.alice.get_chat_members_count(basic.id) == 2
        group = await p.alice.create_supergroup("Counted too")
        assert await p.alice.get_chat_members_count(group.id) == 1
        link = await p.alice.export_chat_invite_link(group.id)
        await p.bob.join_chat(link)
        assert await p.bob.get_chat_members_count(group.id) == 2
        me = await p.bob.get_chat_member(group.id, "me")
        assert me.status is enums.ChatMemberStatus.MEMBER
        assert me.invited_by is not None and me.invited_by.id == p.alice_id
        with pytest.raises(ValueError):
            await p.alice.get_chat_members_count(p.bob_id)
