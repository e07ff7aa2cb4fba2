"""Changing private messages through the sandbox, seen from both sides: edit_message_text, delete_messages (revoke
or not), forward_messages and copy_message (protect_content refused), read_chat_history, send_chat_action,
pin/unpin, and the bound methods of Message calling them; Telegram's errors as typed errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tgfleet import Client, enums, errors
from tgfleet.net.timeouts import within
from tgfleet.tl import types as t
from tgfleet.types import List, Message

from .chat_pair import chat_pair

PROMPTLY = 10.0


async def _texts(client: Client, chat_id: int) -> list[str]:
    return [m.text async for m in client.get_chat_history(chat_id)]


async def test_edit_reaches_both_sides_and_refuses_what_telegram_refuses() -> None:
    async with chat_pair() as p:
        edited: asyncio.Queue[Message] = asyncio.Queue()

        @p.bob.on_edited_message()
        async def on_edit(_: Client, message: Message) -> None:
            edited.put_nowait(message)

        sent = await p.alice.send_message(p.bob_id, "draft")
        new = await p.alice.edit_message_text(p.bob_id, sent.id, "**final**")
        assert isinstance(new, Message) and new.text == "final" and new.edit_date is not None
        assert new.entities[0].type is enums.MessageEntityType.BOLD
        seen = await within(edited.get(), PROMPTLY)
        assert seen.text == "final" and seen.from_user.id == p.alice_id
        assert await _texts(p.bob, p.alice_id) == ["final"]
        with pytest.raises(errors.MessageNotModified):
            await p.alice.edit_message_text(p.bob_id, sent.id, "**final**")
        with pytest.raises(errors.MessageIdInvalid):
            await p.alice.edit_message_text(p.bob_id, 9999, "nothing there")
        bob_copy = (await p.bob.get_chat_history(p.alice_id, limit=1).__anext__()).id
        with pytest.raises(errors.MessageAuthorRequired):
            await p.bob.edit_message_text(p.alice_id, bob_copy, "not mine")
        again = await sent.edit_text("bound")  # Message.edit_text calls edit_message_text
        assert again.text == "bound" and (await within(edited.get(), PROMPTLY)).text == "bound"


async def test_delete_for_both_sides_or_for_oneself() -> None:
    async with chat_pair() as p:
        deleted: asyncio.Queue[List[Message]] = asyncio.Queue()

        @p.bob.on_deleted_messages()
        async def on_delete(_: Client, messages: List[Message]) -> None:
            deleted.put_nowait(messages)

        one = await p.alice.send_message(p.bob_id, "one")
        two = await p.alice.send_message(p.bob_id, "two")
        three = await p.alice.send_message(p.bob_id, "three")
        assert await p.alice.delete_messages(p.bob_id, one.id, revoke=False) == 1
        assert await _texts(p.alice, p.bob_id) == ["three", "two"]
        assert await _texts(p.bob, p.alice_id) == ["three", "two", "one"]  # only alice's copy went
        assert await p.alice.delete_messages(p.bob_id, [two.id, 777]) == 1  # a missing id is skipped
        assert len(await within(deleted.get(), PROMPTLY)) == 1
        assert await _texts(p.bob, p.alice_id) == ["three", "one"]
        assert await three.delete() == 1  # Message.delete: for both sides
        assert await _texts(p.alice, p.bob_id) == [] and await _texts(p.bob, p.alice_id) == ["one"]
        with pytest.raises(errors.MessageIdsEmpty):
            await p.alice.delete_messages(p.bob_id, [])


async def test_forward_copy_and_protected_content() -> None:
    async with chat_pair() as p:
        p.tg.world.send_message(p.bob_id, p.alice_id, "from bob")
        original = await p.alice.get_chat_history(p.bob_id, limit=1).__anext__()
        forwarded = await p.alice.forward_messages("me", p.bob_id, original.id)
        assert isinstance(forwarded, Message) and forwarded.text == "from bob"
        assert forwarded.forward_from is not None and forwarded.forward_from.id == p.bob_id
        again = await original.forward("me")  # Message.forward
        assert isinstance(again, Message) and again.forward_from.first_name == "Bob"
        copy = await p.alice.copy_message(p.bob_id, p.bob_id, original.id)
        assert copy.text == "from bob" and copy.forward_from is None and copy.outgoing
        assert (await original.copy("me")).text == "from bob"  # Message.copy
        secret = await p.alice.send_message(p.bob_id, "do not share", protect_content=True)
        assert secret.has_protected_content
        with pytest.raises(errors.ChatForwardsRestricted):
            await p.alice.forward_messages("me", p.bob_id, secret.id)
        bob_secret = await p.bob.get_chat_history(p.alice_id, limit=1).__anext__()
        assert bob_secret.has_protected_content
        with pytest.raises(errors.ChatForwardsRestricted):
            await p.bob.forward_messages("me", p.alice_id, bob_secret.id)
        with pytest.raises(errors.MessageIdInvalid):
            await p.alice.forward_messages("me", p.bob_id, 4321)


async def test_read_marks_reach_the_sender() -> None:
    async with chat_pair() as p:
        for text in ("a", "b"):
            await p.alice.send_message(p.bob_id, text)
        (bob_dialog,) = [d for d in p.tg.dialogs_of(p.bob_id) if d.peer_id == p.alice_id]
        assert bob_dialog.unread_count == 2
        assert await p.bob.read_chat_history(p.alice_id) is True
        (bob_dialog,) = [d for d in p.tg.dialogs_of(p.bob_id) if d.peer_id == p.alice_id]
        (alice_dialog,) = [d for d in p.tg.dialogs_of(p.alice_id) if d.peer_id == p.bob_id]
        assert bob_dialog.unread_count == 0
        assert alice_dialog.read_outbox_max_id == alice_dialog.top_message  # alice sees both read


async def test_chat_action_reaches_the_other_side() -> None:
    async with chat_pair() as p:
        actions: asyncio.Queue[Any] = asyncio.Queue()

        @p.bob.on_raw_update()
        async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
            if isinstance(update, t.UpdateUserTyping):
                actions.put_nowait(update)

        await p.bob.send_message(p.alice_id, "hi")  # bob follows the updates from here
        assert await p.alice.send_chat_action(p.bob_id, enums.ChatAction.TYPING) is True
        typing = await within(actions.get(), PROMPTLY)
        assert typing.user_id == p.alice_id and isinstance(typing.action, t.SendMessageTypingAction)
        with pytest.raises(TypeError, match="ChatAction"):
            await p.alice.send_chat_action(p.bob_id, "typing")  # type: ignore[arg-type]


async def test_pin_and_unpin() -> None:
    async with chat_pair() as p:
        sent = await p.alice.send_message(p.bob_id, "important")
        await p.alice.send_message(p.bob_id, "later")
        await sent.pin(both_sides=True)  # Message.pin
        pinned = [m.text async for m in p.alice.search_messages(p.bob_id, filter=enums.MessagesFilter.PINNED)]
        assert pinned == ["important"]
        bob_pinned = [m.text async for m in p.bob.search_messages(p.alice_id, filter=enums.MessagesFilter.PINNED)]
        assert bob_pinned == ["important"]
        assert await p.alice.unpin_chat_message(p.bob_id, sent.id) is True
        assert [m async for m in p.alice.search_messages(p.bob_id, filter=enums.MessagesFilter.PINNED)] == []
        await p.alice.pin_chat_message(p.bob_id, sent.id)  # one side only by default
        bob_pinned = [m.text async for m in p.bob.search_messages(p.alice_id, filter=enums.MessagesFilter.PINNED)]
        assert bob_pinned == []
        with pytest.raises(errors.MessageIdInvalid):
            await p.alice.pin_chat_message(p.bob_id, 5555)
