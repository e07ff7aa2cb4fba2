"""A message that arrives as ``updateShortMessage`` (ids only) reaches the handlers with its sender's full user, as
in Pyrogram: remembered from earlier answers, or, for a client that never saw the sender (a restored session),
fetched once with getDifference before dispatch (issue 15's echo handler)."""

from __future__ import annotations

import asyncio

from tests.e2e.helpers import RecordingWorld
from tgfleet import Client, filters
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.types import Message

from .helpers import logged_in, make_client

PROMPTLY = 10.0


async def _names(client: Client) -> asyncio.Queue[tuple[str, str | None]]:
    seen: asyncio.Queue[tuple[str, str | None]] = asyncio.Queue()

    @client.on_message(filters.incoming)
    async def on_message(_: Client, message: Message) -> None:
        seen.put_nowait((message.text, message.from_user.first_name if message.from_user else None))

    return seen


async def test_short_messages_have_their_senders_names() -> None:
    world = RecordingWorld(dcs=1)
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        alice = tg.add_user(phone="+15550170001", first_name="Alice", username="alice_short", dc=1)
        bob = tg.add_user(phone="+15550170002", first_name="Bob", dc=1)
        a = await logged_in(tg, alice.phone, "alice")
        seen = await _names(a)
        tg.world.send_message(bob.id, alice.id, "first")  # a new chat: full updates, with bob's user
        assert await within(seen.get(), PROMPTLY) == ("first", "Bob")
        tg.world.send_message(bob.id, alice.id, "second")  # short: bob is remembered
        assert await within(seen.get(), PROMPTLY) == ("second", "Bob")

        string = await a.export_session_string()
        await a.disconnect()
        restored = make_client(tg, "restored", session_string=string)
        seen = await _names(restored)
        await restored.connect()  # follows the updates from here, knowing alice alone
        carol = tg.add_user(phone="+15550170003", first_name="Carol", dc=1)
        tg.world.send_message(carol.id, alice.id, "hello")  # new chat, full updates: the start-up catch-up is over
        assert await within(seen.get(), PROMPTLY) == ("hello", "Carol")
        assert restored.storage is not None
        key = restored.storage.get_auth_key(1)
        assert key is not None
        calls = world.calls_of(auth_key_id(key)).count("updates.getDifference")
        tg.world.send_message(bob.id, alice.id, "third")  # short, to a client that never saw bob
        assert await within(seen.get(), PROMPTLY) == ("third", "Bob")
        assert world.calls_of(auth_key_id(key)).count("updates.getDifference") == calls + 1  # one look-up
        tg.world.send_message(bob.id, alice.id, "fourth")
        assert await within(seen.get(), PROMPTLY) == ("fourth", "Bob")
        assert world.calls_of(auth_key_id(key)).count("updates.getDifference") == calls + 1  # remembered since
        await restored.disconnect()
