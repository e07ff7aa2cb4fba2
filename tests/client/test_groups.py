"""Basic groups end to end through the sandbox: create_group, a member's handler gets the group's messages,
get_chat (full fields), history, get_messages, dialogs, members, titles and descriptions, admins, leaving; each
refusal as its typed error (ChatWriteForbidden, ChatAdminRequired, UserNotParticipant, UserAlreadyParticipant)."""

from __future__ import annotations

import pytest

from tgfleet import enums, errors
from tgfleet.net.timeouts import within

from .chat_pair import chat_pair, inbox


async def test_group_messages_reach_members_and_history() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob)
        group = await p.alice.create_group("Friends", p.bob_id)
        assert group.type is enums.ChatType.GROUP and group.title == "Friends" and group.id < 0

        created = await within(received.get(), 10)  # the service message opening the chat
        assert created.chat.id == group.id and created.service is enums.MessageServiceType.GROUP_CHAT_CREATED
        sent = await p.alice.send_message(group.id, "hello group")
        got = await within(received.get(), 10)
        assert got.text == "hello group" and got.chat.id == group.id and got.from_user.id == p.alice_id
        assert got.chat.title == "Friends"
        reply = await p.bob.send_message(group.id, "hi alice", reply_to_message_id=got.id)

        history = [m async for m in p.alice.get_chat_history(group.id)]
        assert [m.text for m in history[:2]] == ["hi alice", "hello group"]
        assert history[0].reply_to_message_id == sent.id  # the reply in alice's own box
        assert (await p.bob.get_messages(group.id, reply.id)).text == "hi alice"

        dialogs = [d async for d in p.bob.get_dialogs()]
        assert dialogs[0].chat.id == group.id and dialogs[0].top_message.text == "hi alice"


async def test_group_info_members_and_refusals() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Team", [p.bob_id])
        assert await p.alice.set_chat_description(group.id, "our team")
        renamed = await p.bob.set_chat_title(group.id, "Team 2")  # every member may, by default
        assert renamed is not None and renamed.new_chat_title == "Team 2"
        full = await p.alice.get_chat(group.id)
        assert full.title == "Team 2" and full.description == "our team" and full.members_count == 2
        assert full.invite_link is not None and full.invite_link.startswith("https://t.me/+")

        members = {m.user.id: m.status async for m in p.alice.get_chat_members(group.id)}
        assert members == {p.alice_id: enums.ChatMemberStatus.OWNER, p.bob_id: enums.ChatMemberStatus.MEMBER}
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.promote_chat_member(group.id, p.alice_id)  # only the creator names admins
        assert await p.alice.promote_chat_member(group.id, p.bob_id)
        bob = await p.alice.get_chat_member(group.id, p.bob_id)
        assert bob.status is enums.ChatMemberStatus.ADMINISTRATOR
        with pytest.raises(errors.UserAlreadyParticipant):
            await p.alice.add_chat_members(group.id, p.bob_id)

        await p.bob.leave_chat(group.id)
        with pytest.raises(errors.ChatWriteForbidden):
            await p.bob.send_message(group.id, "still here?")
        with pytest.raises(errors.UserNotParticipant):
            await p.alice.get_chat_member(group.id, p.bob_id)
        with pytest.raises(errors.UserNotParticipant):
            await p.bob.leave_chat(group.id)
        assert await p.alice.add_chat_members(group.id, p.bob_id)  # back in
        assert (await p.bob.send_message(group.id, "back")).text == "back"
