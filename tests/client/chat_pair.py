"""Two logged-in clients that know each other (by username), against one sandbox: the chat tests' setup (also on a
world clock the test moves: ``clocked_pair``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from itertools import count

from tests.clock import FakeClock
from tgfleet import Client, filters
from tgfleet.filters import Filter
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID, Sandbox
from tgfleet.sandbox.world import World
from tgfleet.types import Message

from .helpers import logged_in

_numbers = count(1)


@dataclass
class ChatPair:
    tg: Sandbox
    alice: Client
    alice_id: int
    bob: Client
    bob_id: int


@asynccontextmanager
async def chat_pair(*, bob_dc: int = 1, **sandbox: object) -> AsyncIterator[ChatPair]:
    """Alice and Bob (usernames ``alice_<n>``/``bob_<n>``), each logged in, each having resolved the other; Alice at
    home on DC 1, Bob on ``bob_dc`` (the sandbox has as many DCs as that needs)."""
    n = next(_numbers)
    async with Sandbox(dcs=max(1, bob_dc), default_dc=1, **sandbox) as tg:  # type: ignore[arg-type]
        alice = tg.add_user(phone=f"+1555014{n:04d}", first_name="Alice", username=f"alice_{n}", dc=1)
        bob = tg.add_user(phone=f"+1555015{n:04d}", first_name="Bob", username=f"bob_{n}", dc=bob_dc)
        a = await logged_in(tg, alice.phone, "alice")
        b = await logged_in(tg, bob.phone, "bob")
        await a.resolve_peer(f"@bob_{n}")
        await b.resolve_peer(f"@alice_{n}")
        try:
            yield ChatPair(tg, a, alice.id, b, bob.id)
        finally:
            await a.disconnect()
            await b.disconnect()


@asynccontextmanager
async def clocked_pair() -> AsyncIterator[tuple[ChatPair, FakeClock]]:
    """``chat_pair`` on a one-DC world whose clock the test moves (``FakeClock.advance``)."""
    clock = FakeClock()
    world = World(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, dcs=1, clock=clock)
    async with chat_pair(world=world) as p:
        yield p, clock


def inbox(client: Client, kind: Filter = filters.group | filters.channel) -> asyncio.Queue[Message]:
    """The messages of chats of ``kind`` that ``client``'s handler receives, in order."""
    queue: asyncio.Queue[Message] = asyncio.Queue()

    @client.on_message(kind)
    def on_message(_: Client, message: Message) -> None:
        queue.put_nowait(message)

    return queue
