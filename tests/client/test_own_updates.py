"""The updates a call's answer carries reach the update state through the call path, whichever way the call
was made: after a raw ``invoke(messages.SendMessage(...))`` the next incoming message fits the local pts, so
it costs no ``updates.getDifference`` (counted on the sandbox's side, per auth key)."""

from __future__ import annotations

import asyncio

from tests.e2e.helpers import RecordingWorld
from tgfleet import Client, filters
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions
from tgfleet.types import Message

from .helpers import logged_in

PROMPTLY = 10.0


async def test_a_raw_invoke_keeps_pts_in_step() -> None:
    world = RecordingWorld(dcs=1)
    async with Sandbox(dcs=1, default_dc=1, world=world) as tg:
        alice = tg.add_user(phone="+15550130001", first_name="Alice", username="alice_own", dc=1)
        bob = tg.add_user(phone="+15550130002", first_name="Bob", username="bob_own", dc=1)
        a = await logged_in(tg, alice.phone, "alice")
        b = await logged_in(tg, bob.phone, "bob")
        await b.resolve_peer("@alice_own")
        received: asyncio.Queue[str] = asyncio.Queue()

        @a.on_message(filters.incoming)
        def on_message(_: Client, message: Message) -> None:
            received.put_nowait(message.text)

        await b.send_message(alice.id, "one")
        assert await within(received.get(), PROMPTLY) == "one"  # alice's start-up catch-up is behind her

        peer = await a.resolve_peer("@bob_own")
        await a.invoke(functions.messages.SendMessage(peer=peer, message="raw", random_id=7))  # moves her pts
        await b.send_message(alice.id, "two")
        assert await within(received.get(), PROMPTLY) == "two"

        assert a.storage is not None
        key = a.storage.get_auth_key(1)
        assert key is not None
        assert world.calls_of(auth_key_id(key)).count("updates.getDifference") == 1  # the start-up one only
        await asyncio.gather(a.disconnect(), b.disconnect())
