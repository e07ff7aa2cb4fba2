"""channelDifferenceTooLong through the client (issue #16, Build 5), end to end through the sandbox: Bob is away
while more posts come into a supergroup than the sandbox replays (``world.difference_too_long``); on coming back
his client's getChannelDifference gets ``updates.channelDifferenceTooLong``, restarts the channel from its current
pts (the missed posts are not delivered to handlers, as Telethon does too; they are in the history), and the next
post reaches his handler once, with no gap left behind."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tgfleet import Client, filters
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.types import Message

from .helpers import logged_in, login, make_client

REPLAYED = 5
"""The largest channel pts gap the sandbox still replays in this test."""


async def test_a_channel_too_far_behind_restarts_from_now_and_goes_on(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        tg.world.difference_too_long = REPLAYED
        alice = tg.add_user(phone="+15550820001", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15550820002", first_name="Bob", username="bob_toolong", dc=1)
        a = await logged_in(tg, alice.phone, name="alice")
        posts: asyncio.Queue[str] = asyncio.Queue()
        private: asyncio.Queue[str] = asyncio.Queue()

        def bob_client(workdir: Path) -> Client:
            client = make_client(tg, "bob", in_memory=False, workdir=workdir)

            @client.on_message(filters.group & filters.text)
            def on_post(_: Client, message: Message) -> None:
                posts.put_nowait(message.text)

            @client.on_message(filters.private)
            def on_private(_: Client, message: Message) -> None:
                private.put_nowait(message.text)

            return client

        b = bob_client(tmp_path)
        await b.connect()
        await login(b, tg, bob.phone)
        group = await a.create_supergroup("Far behind")
        await a.add_chat_members(group.id, "@bob_toolong")
        await b.get_chat(group.id)  # Bob knows the supergroup (its access hash)
        await a.send_message(group.id, "before")
        assert await within(posts.get(), 10) == "before"

        await b.disconnect()
        for i in range(REPLAYED + 3):
            await a.send_message(group.id, f"missed {i}")

        b = bob_client(tmp_path)
        assert await b.connect()  # the saved session: its channel pts, then the catch-up
        await a.send_message("@bob_toolong", "ping")  # applied after the catch-up queued before it
        assert await within(private.get(), 10) == "ping"
        await a.send_message(group.id, "after")
        assert await within(posts.get(), 10) == "after"
        assert posts.empty()  # the missed posts were not replayed to the handler
        history = [m.text async for m in b.get_chat_history(group.id, limit=REPLAYED + 5)]
        assert history[: REPLAYED + 4] == ["after", *[f"missed {i}" for i in reversed(range(REPLAYED + 3))]]
        await asyncio.gather(a.disconnect(), b.disconnect())
