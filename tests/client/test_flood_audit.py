"""FLOOD_WAIT as a typed error in each area of issue #16, end to end through the sandbox: a wait above the
client's ``sleep_threshold`` raises ``FloodWait`` with the server's seconds from a chat call (join_chat), a
contacts call (get_contacts), a history read (get_chat_history), and from the file transfers that run on the media
connections (an upload part of send_document, a chunk of download_media); below the threshold the same calls
sleep it out and succeed."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tgfleet import Client, errors
from tgfleet.tl import functions

from ..sandbox.media_helpers import pattern
from .chat_pair import ChatPair, chat_pair

Call = Callable[[ChatPair], Awaitable[Any]]


async def _join(p: ChatPair) -> Any:
    return await p.bob.join_chat(f"@audit_news_{p.alice_id}")


async def _contacts(p: ChatPair) -> Any:
    return await p.bob.get_contacts()


async def _history(p: ChatPair) -> Any:
    return [m async for m in p.bob.get_chat_history(p.alice_id, limit=1)]


async def _upload(p: ChatPair) -> Any:
    return await p.bob.send_document(p.alice_id, io.BytesIO(pattern(2000)), file_name="f.bin")


async def _download(p: ChatPair) -> Any:
    [message] = [m async for m in p.bob.get_chat_history(p.alice_id, limit=1)]
    return await p.bob.download_media(message, in_memory=True)


CALLS: list[tuple[type, Call]] = [
    (functions.channels.JoinChannel, _join),
    (functions.contacts.GetContacts, _contacts),
    (functions.messages.GetHistory, _history),
    (functions.upload.SaveFilePart, _upload),
    (functions.upload.GetFile, _download),
]


@pytest.mark.parametrize(("method", "call"), CALLS, ids=[m.__name__ for m, _ in CALLS])
async def test_a_long_flood_wait_is_a_typed_error_and_a_short_one_is_slept(method: type, call: Call) -> None:
    async with chat_pair(bob_dc=2) as p:
        channel = await p.alice.create_channel("News")
        assert await p.alice.set_chat_username(channel.id, f"audit_news_{p.alice_id}")
        await p.alice.send_document(p.bob_id, io.BytesIO(pattern(3000)), file_name="d.bin")
        bob: Client = p.bob
        bob.sleep_threshold = 2
        p.tg.force_flood(method, 1, user_id=p.bob_id)
        assert await call(p) is not None  # under the threshold: slept, then answered
        p.tg.force_flood(method, 40, user_id=p.bob_id)
        with pytest.raises(errors.FloodWait) as waited:
            await call(p)
        assert waited.value.value == 40 and waited.value.ID == "FLOOD_WAIT_X"
