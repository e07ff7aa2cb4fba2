"""Scheduled messages through the sandbox on a world clock the test moves: send_message(schedule_date=) keeps the
message (get_scheduled_messages lists it, the recipient sees nothing), the sandbox sends it when its clock reaches
the date (the recipient's handler gets it, the sender's sessions updateDeleteScheduledMessages naming the new
message); deleting one first means it is never sent; SCHEDULE_DATE_TOO_LATE / SCHEDULE_DATE_INVALID; scheduled albums
(send_media_group) arrive as one album, scheduled forwards (forward_messages) with their origin."""

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
from tgfleet.types import InputMediaDocument, InputMediaPhoto, Message

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


async def test_a_scheduled_album_waits_and_arrives_as_one_album() -> None:
    """send_media_group(schedule_date=) keeps the album (listed as scheduled, one media group, nothing sent); at its
    date its messages arrive in order as one album, each scheduled message announced as the one it became."""
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        arrived, gone = _watch(p)
        when = datetime.fromtimestamp(clock.now + HOUR)
        album = await p.alice.send_media_group(p.bob_id, [
            InputMediaPhoto(io.BytesIO(png(40, 30)), caption="first"),
            InputMediaDocument(_named(b"notes" * 50, "notes.txt"), caption="second"),
        ], schedule_date=when)  # fmt: skip
        assert [m.caption for m in album] == ["first", "second"] and all(m.scheduled for m in album)
        assert album[0].media_group_id is not None and album[0].media_group_id == album[1].media_group_id
        listed = await p.alice.get_scheduled_messages(p.bob_id)
        assert sorted(m.id for m in listed) == sorted(m.id for m in album)
        assert {m.media_group_id for m in listed} == {album[0].media_group_id}
        assert [m async for m in p.bob.get_chat_history(p.alice_id)] == []

        clock.advance(HOUR)
        first, second = await within(arrived.get(), PROMPTLY), await within(arrived.get(), PROMPTLY)
        assert (first.caption, second.caption) == ("first", "second")
        assert first.photo is not None and second.document.file_name == "notes.txt"
        assert first.media_group_id is not None and first.media_group_id == second.media_group_id
        results = [await within(gone.get(), PROMPTLY) for _ in album]
        assert [u.messages for u in results] == [[m.id] for m in album]
        sent = [m async for m in p.alice.get_chat_history(p.bob_id)]
        assert sorted(m.id for m in sent) == sorted(u.sent_messages[0] for u in results)
        assert await p.alice.get_scheduled_messages(p.bob_id) == []


async def test_a_scheduled_forward_keeps_its_origin() -> None:
    """forward_messages(schedule_date=) from Bob's chat into a group: scheduled messages that already name their
    origin, sent at the date as forwards of Bob's message (forward_from, forward_date); SCHEDULE_DATE_INVALID for a
    date past, before anything is kept."""
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        arrived, gone = _watch(p)
        group = await p.alice.create_group("Forwards", p.bob_id)
        await p.bob.send_message(p.alice_id, "worth sharing")  # an answer, not an update of Bob's
        [original] = [m async for m in p.alice.get_chat_history(p.bob_id)]
        with pytest.raises(errors.ScheduleDateInvalid):
            await p.alice.forward_messages(group.id, p.bob_id, original.id,
                                           schedule_date=datetime.fromtimestamp(clock.now - 60))  # fmt: skip
        later = await p.alice.forward_messages(
            group.id, p.bob_id, original.id, schedule_date=datetime.fromtimestamp(clock.now + HOUR)
        )
        assert isinstance(later, Message) and later.scheduled and later.text == "worth sharing"
        assert later.forward_from is not None and later.forward_from.id == p.bob_id
        assert [m.id for m in await p.alice.get_scheduled_messages(group.id)] == [later.id]

        clock.advance(HOUR)
        forwarded = await within(arrived.get(), PROMPTLY)
        assert forwarded.chat.id == group.id and forwarded.text == "worth sharing"
        assert forwarded.from_user.id == p.alice_id and forwarded.forward_from.id == p.bob_id
        assert forwarded.forward_date == original.date
        done = await within(gone.get(), PROMPTLY)
        assert done.messages == [later.id] and done.sent_messages
        assert await p.alice.get_scheduled_messages(group.id) == []
