"""Updates never silently stop: account A sends messages to B while B's connection is dropped five times
and B is restarted once (a new Client on the same session file); B's handler sees every message exactly
once, in order. CI sends 150 messages; TGFLEET_UPDATES_MESSAGES=500 for the full run."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from tgfleet import Client, filters
from tgfleet.sandbox.server import Sandbox
from tgfleet.types import Message

from .helpers import logged_in, login, make_client

COUNT = int(os.environ.get("TGFLEET_UPDATES_MESSAGES", "150"))


async def test_every_message_once_in_order_across_drops_and_a_restart(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550800001", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15550800002", first_name="Bob", username="bob_upd", dc=1)
        a = await logged_in(tg, alice.phone, name="alice")
        await a.resolve_peer("@bob_upd")
        received: list[str] = []
        done = asyncio.Event()

        def bob_client() -> Client:
            client = make_client(tg, "bob", in_memory=False, workdir=tmp_path)

            @client.on_message(filters.incoming & filters.regex("^m"))
            def on_message(_: Client, message: Message) -> None:
                received.append(message.text)
                if len(received) >= COUNT:
                    done.set()

            return client

        b = bob_client()
        await b.connect()
        await login(b, tg, bob.phone)
        drops = {COUNT * k // 7 for k in range(1, 6)}
        restart = COUNT // 2 + 3
        for i in range(COUNT):
            if i in drops:
                assert tg.drop_connections(user_id=bob.id) >= 1
            if i == restart:
                await b.disconnect()  # B goes away; messages keep arriving meanwhile
            if i == restart + 5:
                b = bob_client()
                assert await b.connect()  # logged in from the saved session; catches up by getDifference
            await a.send_message(bob.id, f"m{i:04d}")
        await asyncio.wait_for(done.wait(), 30)
        assert received == [f"m{i:04d}" for i in range(COUNT)]
        await asyncio.gather(a.disconnect(), b.disconnect())
