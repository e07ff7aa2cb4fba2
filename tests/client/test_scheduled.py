"""Scheduled messages through the sandbox on a world clock the test moves: send_message(schedule_date=) keeps the
message (get_scheduled_messages lists it, the recipient sees nothing), the sandbox sends it when its clock reaches
the date (the recipient's handler gets it, the sender's sessions updateDeleteScheduledMessages naming the new
message); deleting one first means it is never sent; SCHEDULE_DATE_TOO_LATE / SCHEDULE_DATE_INVALID."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import datetime
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet import Client, errors
from tgfleet.handlers import RawUpdateHandler
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID
from tgfleet.sandbox.world import World
from tgfleet.tl import functions
from tgfleet.tl import types as t
from tgfleet.types import Message

from ..sandbox.media_helpers import png
from .chat_pair import ChatPair, chat_pair
from .helpers import make_client

PROMPTLY = 10.0
HOUR = 3600


def _watch(p: ChatPair) -> tuple[asyncio.Queue[Message], asyncio.Queue[Any]]:
    """The messages Bob's handler gets (service messages left out) and the updateDeleteScheduledMessages Alice's
    sessions get, in order."""
    arrived: asyncio.Queue[Message] = asyncio.Queue()
    gone: asyncio.Queue[Any] = asyncio.Queue()

    @p.bob.on_message()
    async def on_message(_: Client, message: Message) -> None:
        if not message.service:
            arrived.put_nowait(message)

    async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
        if isinstance(update, t.UpdateDeleteScheduledMessages):
            gone.put_nowait(update)

    p.alice.add_handler(RawUpdateHandler(on_raw))
    return arrived, gone


async def test_a_scheduled_message_waits_and_is_sent_when_the_clock_reaches_its_date() -> None:
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        arrived, gone = _watch(p)
        when = datetime.fromtimestamp(clock.now + HOUR)
        later = await p.alice.send_message(p.bob_id, "see you in an hour", schedule_date=when)
        assert later.scheduled and later.text == "see you in an hour"
        dropped = await p.alice.send_message(p.bob_id, "never mind", schedule_date=when)
        assert [m.text for m in await p.alice.get_scheduled_messages(p.bob_id)] == ["never mind", "see you in an hour"]
        peer = await p.alice.resolve_peer(p.bob_id)
        await p.alice.invoke(functions.messages.DeleteScheduledMessages(peer=peer, id=[dropped.id]))
        assert [m.id for m in await p.alice.get_scheduled_messages(p.bob_id)] == [later.id]
        assert (await within(gone.get(), PROMPTLY)).messages == [dropped.id]  # the deletion's own update
        assert [m async for m in p.bob.get_chat_history(p.alice_id)] == []

        clock.advance(HOUR)  # the sandbox's ticker sends it at the next look
        message = await within(arrived.get(), PROMPTLY)
        assert message.text == "see you in an hour" and message.from_user.id == p.alice_id
        sent = await within(gone.get(), PROMPTLY)
        assert sent.messages == [later.id] and sent.sent_messages is not None
        [real] = [m async for m in p.alice.get_chat_history(p.bob_id)]
        assert real.id == sent.sent_messages[0] and real.text == "see you in an hour"
        assert await p.alice.get_scheduled_messages(p.bob_id) == []
        assert arrived.empty()  # the deleted one never came


async def test_schedule_dates_telegram_refuses() -> None:
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        with pytest.raises(errors.ScheduleDateTooLate):
            await p.alice.send_message(
                p.bob_id, "next year", schedule_date=datetime.fromtimestamp(clock.now + 400 * 86400)
            )
        with pytest.raises(errors.ScheduleDateInvalid):
            await p.alice.send_message(p.bob_id, "yesterday", schedule_date=datetime.fromtimestamp(clock.now - 86400))
        assert await p.alice.get_scheduled_messages(p.bob_id) == []


async def test_a_bot_may_not_schedule() -> None:
    async with chat_pair() as p:
        token = p.tg.add_bot("planner_bot", "Planner")
        bot = make_client(p.tg, "bot", bot_token=token)
        seen: asyncio.Queue[Message] = asyncio.Queue()

        @bot.on_message()
        async def on_message(_: Client, message: Message) -> None:
            seen.put_nowait(message)

        await bot.start()
        try:
            await p.alice.send_message("planner_bot", "hello bot")
            asked = await within(seen.get(), PROMPTLY)  # the bot learns alice's access hash from the update
            later = datetime.fromtimestamp(time.time() + HOUR)
            with pytest.raises(errors.ScheduleBotNotAllowed):
                await bot.send_message(asked.chat.id, "later", schedule_date=later)
            await bot.send_message(asked.chat.id, "now")  # sending at once is fine
        finally:
            await bot.stop()


async def test_scheduled_posts_into_a_group_and_a_channel_and_scheduled_media() -> None:
    """A text into a basic group, a photo into a channel and a document into a private chat, each scheduled: listed
    as scheduled in their chats and nowhere else until the clock reaches their date, then real messages (the group's
    member gets his pushed); a post whose owner left the group meanwhile is dropped (no ``sent_messages``)."""
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        arrived, gone = _watch(p)
        group = await p.alice.create_group("Planning", p.bob_id)
        left_group = await p.alice.create_group("Left behind", p.bob_id)
        channel = await p.alice.create_channel("News")
        when = datetime.fromtimestamp(clock.now + HOUR)
        note = await p.alice.send_message(group.id, "meeting at noon", schedule_date=when)
        photo = await p.alice.send_photo(channel.id, io.BytesIO(png(64, 48)), caption="tomorrow", schedule_date=when)
        document = await p.alice.send_document(p.bob_id, _named(b"minutes" * 100, "minutes.txt"), schedule_date=when)
        await p.alice.send_message(left_group.id, "nobody will post this", schedule_date=when)
        assert note.scheduled and photo.scheduled and photo.photo is not None and document.document is not None
        assert [m.text for m in await p.alice.get_scheduled_messages(group.id)] == ["meeting at noon"]
        assert [m.caption for m in await p.alice.get_scheduled_messages(channel.id)] == ["tomorrow"]
        listed = await p.alice.invoke(
            functions.messages.GetScheduledHistory(peer=await p.alice.resolve_peer(group.id), hash=0)
        )
        assert [-c.id for c in listed.chats] == [group.id]  # the answer names the chat it lists
        assert [m.text async for m in p.alice.get_chat_history(channel.id)] == [None]  # its creation only
        await p.alice.leave_chat(left_group.id)

        clock.advance(HOUR)
        first, second = await within(arrived.get(), PROMPTLY), await within(arrived.get(), PROMPTLY)
        by_chat = {m.chat.id: m for m in (first, second)}
        assert by_chat[group.id].text == "meeting at noon" and by_chat[group.id].from_user.id == p.alice_id
        assert by_chat[p.alice_id].document.file_name == "minutes.txt"
        [post, _created] = [m async for m in p.alice.get_chat_history(channel.id)]
        assert post.caption == "tomorrow" and post.photo is not None and not post.scheduled
        results = [await within(gone.get(), PROMPTLY) for _ in range(4)]
        assert sorted(bool(u.sent_messages) for u in results) == [False, True, True, True]
        assert "nobody will post this" not in [m.text async for m in p.bob.get_chat_history(left_group.id)]
        for chat_id in (group.id, channel.id, p.bob_id, left_group.id):
            assert await p.alice.get_scheduled_messages(chat_id) == []


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file
