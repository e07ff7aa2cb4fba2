"""Scheduled messages through the sandbox on a world clock the test moves: send_message(schedule_date=) keeps the
message (get_scheduled_messages lists it, the recipient sees nothing), the sandbox sends it when its clock reaches
the date (the recipient's handler gets it, the sender's sessions updateDeleteScheduledMessages naming the new
message); deleting one first means it is never sent; SCHEDULE_DATE_TOO_LATE / SCHEDULE_DATE_INVALID."""

from __future__ import annotations

import asyncio
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

from .chat_pair import chat_pair
from .helpers import make_client

PROMPTLY = 10.0
HOUR = 3600


async def test_a_scheduled_message_waits_and_is_sent_when_the_clock_reaches_its_date() -> None:
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        arrived: asyncio.Queue[Message] = asyncio.Queue()
        gone: asyncio.Queue[Any] = asyncio.Queue()

        @p.bob.on_message()
        async def on_message(_: Client, message: Message) -> None:
            arrived.put_nowait(message)

        async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
            if isinstance(update, t.UpdateDeleteScheduledMessages):
                gone.put_nowait(update)

        p.alice.add_handler(RawUpdateHandler(on_raw))
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
