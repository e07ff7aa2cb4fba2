"""Reading a private chat through the sandbox: get_chat_history (paging past 100, offsets, limits),
get_chat_history_count, get_messages (by id, the replied-to, missing ids), search_messages (query, from_user,
limit), with Pyrogram's return types and Telegram's errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from tgfleet import errors
from tgfleet.types import List, Message

from .chat_pair import chat_pair


async def _history(client: object, chat_id: int, **kw: object) -> list[Message]:
    return [m async for m in client.get_chat_history(chat_id, **kw)]  # type: ignore[attr-defined]


async def test_history_pages_past_a_hundred_newest_first() -> None:
    async with chat_pair() as p:
        for n in range(130):
            p.tg.world.send_message(p.bob_id, p.alice_id, f"m{n}")
        history = await _history(p.alice, p.bob_id)
        assert [m.text for m in history] == [f"m{n}" for n in reversed(range(130))]
        assert all(isinstance(m, Message) and not m.outgoing for m in history)
        assert history[0].from_user.first_name == "Bob"
        assert [m.text for m in await _history(p.alice, p.bob_id, limit=3)] == ["m129", "m128", "m127"]
        below = history[10].id
        assert [m.text for m in await _history(p.alice, p.bob_id, offset_id=below, limit=2)] == ["m118", "m117"]
        newer = await _history(p.alice, p.bob_id, offset_id=below, offset=-2, limit=2)
        assert [m.text for m in newer] == ["m120", "m119"]  # a negative offset: from offset_id on, newer
        assert await p.alice.get_chat_history_count(p.bob_id) == 130
        assert await _history(p.alice, p.bob_id, offset_date=datetime.fromtimestamp(1)) == []  # before all


async def test_get_messages_by_id_and_by_reply() -> None:
    async with chat_pair() as p:
        first = await p.alice.send_message(p.bob_id, "question")
        answer = await p.alice.send_message(p.bob_id, "answer", reply_to_message_id=first.id)
        assert answer.reply_to_message_id is None  # as Pyrogram: the short answer carries no reply header
        stored = await p.alice.get_messages(p.bob_id, answer.id)
        assert isinstance(stored, Message) and stored.reply_to_message_id == first.id
        one = await p.alice.get_messages(p.bob_id, first.id)
        assert isinstance(one, Message) and one.text == "question" and one.outgoing
        several = await p.alice.get_messages(p.bob_id, [answer.id, 999, first.id])
        assert isinstance(several, List) and [m.text for m in several] == ["answer", None, "question"]
        assert several[1].empty and several[1].id == 999
        replied = await p.alice.get_messages(p.bob_id, reply_to_message_ids=answer.id)
        assert isinstance(replied, Message) and replied.text == "question"
        as_kurigram = await p.alice.get_messages(p.bob_id, answer.id, reply=True)  # Kurigram's form
        assert isinstance(as_kurigram, Message) and as_kurigram.text == "question"
        # bob's copy answers bob's copy of the question (each side numbers its own messages)
        bob_answer = (await _history(p.bob, p.alice_id, limit=1))[0]
        bob_question = await p.bob.get_messages(p.alice_id, reply_to_message_ids=bob_answer.id)
        assert isinstance(bob_question, Message) and bob_question.text == "question"
        with pytest.raises(errors.ReplyMessageIdInvalid):
            await p.alice.send_message(p.bob_id, "to nothing", reply_to_message_id=12345)
        with pytest.raises(errors.PeerIdInvalid):
            await p.alice.get_messages(424242, 1)


async def test_search_by_text_and_sender() -> None:
    async with chat_pair() as p:
        await p.alice.send_message(p.bob_id, "Apple pie")
        p.tg.world.send_message(p.bob_id, p.alice_id, "apple juice")
        await p.alice.send_message(p.bob_id, "banana")
        found = [m.text async for m in p.alice.search_messages(p.bob_id, "APPLE")]
        assert found == ["apple juice", "Apple pie"]
        mine = [m.text async for m in p.alice.search_messages(p.bob_id, "apple", from_user="me")]
        assert mine == ["Apple pie"]
        assert [m.text async for m in p.alice.search_messages(p.bob_id, limit=1)] == ["banana"]
        assert [m.text async for m in p.alice.search_messages(p.bob_id, "cherry")] == []
