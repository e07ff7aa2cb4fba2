"""The chat list through the sandbox: get_dialogs pages past 100 chats (pinned first, then the newest first, each
chat once), limit and exclude_pinned, get_dialogs_count (and pinned_only), Pyrogram's Dialog fields."""

from __future__ import annotations

from tgfleet import enums
from tgfleet.tl import functions, types
from tgfleet.types import Dialog

from .chat_pair import chat_pair


async def test_dialogs_page_past_a_hundred_pinned_first() -> None:
    async with chat_pair() as p:
        world = p.tg.world
        others = [world.add_user(f"+1555016{n:04d}", f"User{n}", dc=1) for n in range(120)]
        for n, other in enumerate(others):
            world.send_message(other.id, p.alice_id, f"hello {n}")
        await p.alice.send_message(p.bob_id, "to bob")  # the newest chat
        peer = await p.alice.resolve_peer(others[5].id)
        await p.alice.invoke(functions.messages.ToggleDialogPin(pinned=True, peer=types.InputDialogPeer(peer=peer)))

        dialogs = [d async for d in p.alice.get_dialogs()]
        assert all(isinstance(d, Dialog) for d in dialogs)
        ids = [d.chat.id for d in dialogs]
        assert len(ids) == len(set(ids)) == 122  # 120 users, bob, the login codes' chat, each once
        assert ids[0] == others[5].id and dialogs[0].is_pinned and dialogs[0].top_message.text == "hello 5"
        assert ids[1] == p.bob_id and not dialogs[1].is_pinned and dialogs[1].top_message.outgoing
        assert ids[2:5] == [others[119].id, others[118].id, others[117].id]  # then the newest first
        assert dialogs[2].chat.type is enums.ChatType.PRIVATE and dialogs[2].chat.first_name == "User119"
        assert dialogs[2].unread_messages_count == 1

        assert [d.chat.id async for d in p.alice.get_dialogs(limit=2)] == ids[:2]
        unpinned = [d.chat.id async for d in p.alice.get_dialogs(exclude_pinned=True)]
        assert unpinned == ids[1:]
        assert await p.alice.get_dialogs_count() == 122
        assert await p.alice.get_dialogs_count(pinned_only=True) == 1
        assert [d async for d in p.alice.get_dialogs(from_archive=True)] == []
