"""send_message and resolve_peer take what Pyrogram takes (a number as text is sent as its decimal form) and
raise TypeError naming the argument for anything else, before any request; a text over Telegram's limit
(4096 UTF-16 code units) raises MessageTooLong before any request too."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import RecordingWorld
from tgfleet.errors import MessageTooLong
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in


async def test_send_message_types() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550110002", first_name="Pat", dc=1)
        client = await logged_in(tg, user.phone)
        assert (await client.send_message("me", 12345)).text == "12345"  # type: ignore[arg-type]
        assert (await client.send_message("me", 1.5)).text == "1.5"  # type: ignore[arg-type]
        assert (await client.send_message("me", 678, entities=[])).text == "678"  # type: ignore[arg-type]
        sent = [m.text for m in tg.messages_of(user.id)]
        assert sent[-3:] == ["12345", "1.5", "678"]  # with entities given, no markup parser turns it into text
        for text in (None, b"bytes", True, ["list"]):
            with pytest.raises(TypeError, match="text"):
                await client.send_message("me", text)  # type: ignore[arg-type]
        for chat_id in (None, 1.5, True, b"me"):
            with pytest.raises(TypeError, match="chat_id"):
                await client.send_message(chat_id, "hi")  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="chat_id"):
                await client.resolve_peer(chat_id)  # type: ignore[arg-type]
        assert [m.text for m in tg.messages_of(user.id)] == sent  # nothing more was sent
        await client.disconnect()


async def test_a_text_over_the_limit_raises_before_any_request() -> None:
    world = RecordingWorld(dcs=1)
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        user = tg.add_user(phone="+15550110003", first_name="Quin", dc=1)
        client = await logged_in(tg, user.phone)
        mark = len(world.calls)
        for text in ("x" * 4097, "\U0001f600" * 2049):  # 4097 and 4098 UTF-16 code units (an emoji is two)
            with pytest.raises(MessageTooLong, match="nothing was sent"):
                await client.send_message("me", text)
        assert world.calls[mark:] == []  # the server never saw them
        assert (await client.send_message("me", "\U0001f600" * 2048)).text  # 4096 units: at the limit, sent
        await client.disconnect()
