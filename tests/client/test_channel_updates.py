"""A supergroup's updates survive dropped connections, a restart and channel updates the sandbox never pushes: Alice
posts while Bob's connection is dropped ten times, 20% of the channel's pushes are lost and Bob's client is
replaced once by a new one on the same session file (its channel pts persisted); Bob's handler sees every message
exactly once, in order (the gaps in the channel's pts are filled by updates.getChannelDifference). CI posts 150;
TGFLEET_CHANNEL_MESSAGES and TGFLEET_CHANNEL_DROPS size the full run (``benchmarks/soak.py``: 1,000 and 100)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from tgfleet import Client, ConnectionState, filters
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.types import Message

from .helpers import StateLog, logged_in, login, make_client

COUNT = int(os.environ.get("TGFLEET_CHANNEL_MESSAGES", "150"))
DROPS = int(os.environ.get("TGFLEET_CHANNEL_DROPS", "10"))
LOST = 0.2


async def test_every_channel_message_once_in_order_across_drops_losses_and_a_restart(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550810001", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15550810002", first_name="Bob", username="bob_chan", dc=1)
        a = await logged_in(tg, alice.phone, name="alice")
        received: list[str] = []
        done = asyncio.Event()

        def bob_client() -> Client:
            client = make_client(tg, "bob", in_memory=False, workdir=tmp_path)

            @client.on_message(filters.group & filters.regex("^m"))
            def on_message(_: Client, message: Message) -> None:
                received.append(message.text)
                if len(received) >= COUNT:
                    done.set()

            return client

        b = bob_client()
        states = StateLog(b)
        await b.connect()
        await login(b, tg, bob.phone)

        async def drop_bob() -> None:
            """Drop Bob's connection once it is up again (a drop while he reconnects would hit nothing)."""
            await states.wait_for(ConnectionState.CONNECTED, after=len(states.changes) - 1)
            assert tg.drop_connections(user_id=bob.id) >= 1

        group = await a.create_supergroup("Busy")
        await a.add_chat_members(group.id, "@bob_chan")
        await b.get_chat(group.id)  # Bob knows the supergroup (its access hash) before the posts
        tg.world.drop_channel_updates(LOST)
        drops = {COUNT * k // DROPS for k in range(1, DROPS)}
        restart = COUNT // 2 + 3
        for i in range(COUNT):
            if i in drops:
                await drop_bob()
            if i == restart:
                await b.disconnect()  # Bob goes away; posts keep coming meanwhile
            if i == restart + 5:
                b = bob_client()
                states = StateLog(b)
                assert await b.connect()  # from the saved session: its channel pts, then getChannelDifference
            await a.send_message(group.id, f"m{i:04d}")
        await drop_bob()  # the last drop: a lost final post shows on reconnecting
        await within(done.wait(), 60)
        assert received == [f"m{i:04d}" for i in range(COUNT)]
        await asyncio.gather(a.disconnect(), b.disconnect())
