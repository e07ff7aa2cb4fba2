"""disable_notification as issue #16 asks, end to end through the sandbox: a message sent with it is stored
``silent`` on the recipient's side (and the sender's), in a private chat, a supergroup and for media, as the raw
``messages.getHistory`` each side reads shows; a message sent without it is not silent. (Pyrogram's ``Message``
has no field for it: the raw message is where a client sees it.)"""

from __future__ import annotations

import io

from tgfleet import Client
from tgfleet.tl import functions, types

from ..sandbox.media_helpers import png
from .chat_pair import chat_pair


async def _silent(client: Client, chat_id: int, limit: int) -> list[bool]:
    """The ``silent`` flag of the chat's newest ``limit`` messages as ``client`` reads them, newest first."""
    answer = await client.invoke(functions.messages.GetHistory(
        peer=await client.resolve_peer(chat_id), offset_id=0, offset_date=0, add_offset=0, limit=limit, max_id=0,
        min_id=0, hash=0,
    ))  # fmt: skip
    messages = answer.messages  # type: ignore[attr-defined]
    assert all(isinstance(m, types.Message) for m in messages)
    return [bool(m.silent) for m in messages]


async def test_disable_notification_reaches_the_recipient_as_silent() -> None:
    async with chat_pair() as p:
        await p.alice.send_message(p.bob_id, "loud")
        await p.alice.send_message(p.bob_id, "quiet", disable_notification=True)
        await p.alice.send_photo(p.bob_id, io.BytesIO(png(20, 20)), disable_notification=True)
        assert await _silent(p.bob, p.alice_id, 3) == [True, True, False]
        assert await _silent(p.alice, p.bob_id, 3) == [True, True, False]

        group = await p.alice.create_supergroup("Quiet room")
        await p.alice.add_chat_members(group.id, p.bob_id)
        await p.alice.send_message(group.id, "shh", disable_notification=True)
        await p.alice.send_message(group.id, "hello")
        assert await _silent(p.bob, group.id, 2) == [False, True]
