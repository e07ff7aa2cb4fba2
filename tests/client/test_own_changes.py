"""A call's own change keeps the client's pts in step (https://core.telegram.org/api/updates): deleting and reading
answer with ``messages.affectedMessages`` (pts, pts_count), in a private chat of the common sequence, in a
supergroup of the channel's own. Applied as an update's pts, the next update fits, so the change costs no
``updates.getDifference`` / ``getChannelDifference`` (counted on the sandbox's side, per auth key) and never comes
back to the client's own ``on_deleted_messages``; raw ``invoke`` calls as much as the methods. An answer ahead of
the local pts is a real gap, and the difference still fills it."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.helpers import RecordingWorld
from tgfleet import Client, errors, filters
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.types import Chat, List, Message

from .chat_pair import ChatPair, chat_pair

PROMPTLY = 10.0
DIFFERENCE = "updates.getDifference"
CHANNEL_DIFFERENCE = "updates.getChannelDifference"
NEARLY_ALL = 0.999999
"""The share of channel pushes the sandbox drops for the gap (it takes below 1: one in a million gets through)."""


def calls(p: ChatPair, world: RecordingWorld, name: str) -> int:
    """How many times Alice's client called ``name``."""
    assert p.alice.storage is not None
    key = p.alice.storage.get_auth_key(1)
    assert key is not None
    return world.calls_of(auth_key_id(key)).count(name)


def watch(client: Client) -> tuple[asyncio.Queue[Message], asyncio.Queue[List[Message]]]:
    """The messages others send to ``client`` and the deletions its handler is told of, in order."""
    received: asyncio.Queue[Message] = asyncio.Queue()
    deleted: asyncio.Queue[List[Message]] = asyncio.Queue()

    @client.on_message(filters.incoming)
    def on_message(_: Client, message: Message) -> None:
        received.put_nowait(message)

    @client.on_deleted_messages()
    def on_deleted(_: Client, messages: List[Message]) -> None:
        deleted.put_nowait(messages)

    return received, deleted


async def followed_supergroup(p: ChatPair, received: asyncio.Queue[Message]) -> tuple[Chat, Message]:
    """Alice's supergroup with Bob, whose first message she received (so she follows the channel's pts), and a
    message of hers in it."""
    group = await p.alice.create_supergroup("Own changes")
    await p.alice.add_chat_members(group.id, p.bob_id)
    await p.bob.send_message(group.id, "first")
    assert (await within(received.get(), PROMPTLY)).text == "first"
    return group, await p.alice.send_message(group.id, "mine")


async def test_deleting_and_reading_in_a_private_chat_cost_no_difference() -> None:
    world = RecordingWorld(dcs=1)
    async with chat_pair(world=world) as p:
        received, deleted = watch(p.alice)
        await p.bob.send_message(p.alice_id, "one")
        one = await within(received.get(), PROMPTLY)  # her start-up catch-up is behind her
        before = calls(p, world, DIFFERENCE)

        assert await p.alice.delete_messages(p.bob_id, one.id) == 1  # her box's pts moves by one
        await p.bob.send_message(p.alice_id, "two")
        assert (await within(received.get(), PROMPTLY)).text == "two"
        assert await p.alice.read_chat_history(p.bob_id)  # and by one more
        peer = await p.alice.resolve_peer(p.bob_id)
        await p.bob.send_message(p.alice_id, "three")
        three = await within(received.get(), PROMPTLY)
        assert three.text == "three"
        raw = await p.alice.invoke(functions.messages.DeleteMessages(id=[three.id], revoke=True))
        assert raw.pts_count == 1  # a raw call's answer is applied as well
        await p.alice.invoke(functions.messages.ReadHistory(peer=peer, max_id=0))  # nothing left: pts_count 0
        await p.bob.send_message(p.alice_id, "four")
        assert (await within(received.get(), PROMPTLY)).text == "four"  # fits her pts: no gap to fill

        # no catch-up, and her own deletions are not news to her (a replay would have come before "four")
        assert (calls(p, world, DIFFERENCE), deleted.qsize()) == (before, 0)
        assert [m.text async for m in p.bob.get_chat_history(p.alice_id)] == ["four", "two"]  # revoked for him


async def test_deleting_in_a_supergroup_costs_no_channel_difference() -> None:
    world = RecordingWorld(dcs=1)
    async with chat_pair(world=world) as p:
        received, deleted = watch(p.alice)
        group, mine = await followed_supergroup(p, received)
        other = await p.alice.send_message(group.id, "other")
        before = calls(p, world, CHANNEL_DIFFERENCE), calls(p, world, DIFFERENCE)

        assert await p.alice.delete_messages(group.id, mine.id) == 1  # channels.deleteMessages: the channel's pts
        channel = await p.alice.resolve_peer(group.id)
        await p.alice.invoke(functions.channels.DeleteMessages(channel=channel, id=[other.id]))  # raw
        await p.alice.invoke(functions.messages.ReadHistory(peer=channel, max_id=0))  # the channel's pts, count 0
        assert await p.alice.read_chat_history(group.id)
        await p.bob.send_message(group.id, "after")
        assert (await within(received.get(), PROMPTLY)).text == "after"

        assert (calls(p, world, CHANNEL_DIFFERENCE), calls(p, world, DIFFERENCE), deleted.qsize()) == (*before, 0)
        assert [m.text async for m in p.bob.get_chat_history(group.id)][:2] == ["after", "first"]


async def test_an_answer_past_a_gap_in_the_channel_still_recovers_it() -> None:
    world = RecordingWorld(dcs=1)
    async with chat_pair(world=world) as p:
        received, _ = watch(p.alice)
        group, mine = await followed_supergroup(p, received)
        before = calls(p, world, CHANNEL_DIFFERENCE)
        world.drop_channel_updates(NEARLY_ALL)
        await p.bob.send_message(group.id, "missed")  # its push to her is lost
        world.drop_channel_updates(0)

        assert await p.alice.delete_messages(group.id, mine.id) == 1  # the answer's pts is two past hers
        assert (await within(received.get(), PROMPTLY)).text == "missed"  # the difference brought it
        assert calls(p, world, CHANNEL_DIFFERENCE) > before


async def test_deleting_a_history_clears_it_and_costs_no_difference() -> None:
    """messages.deleteHistory: a private chat up to ``max_id`` for oneself, then all of it on both sides (revoke);
    ``leave_chat(delete=True)`` clears a basic group's history for the leaver only. The ``affectedHistory`` answers
    keep pts in step: no getDifference, nothing back to one's own deletion handler; a channel's peer is refused."""
    world = RecordingWorld(dcs=1)
    async with chat_pair(world=world) as p:
        received, deleted = watch(p.alice)
        bob_received, bob_deleted = watch(p.bob)
        first = await p.alice.send_message(p.bob_id, "one")
        await p.alice.send_message(p.bob_id, "two")
        assert [(await within(bob_received.get(), PROMPTLY)).text for _ in range(2)] == ["one", "two"]
        before = calls(p, world, DIFFERENCE)
        peer = await p.alice.resolve_peer(p.bob_id)
        cleared = await p.alice.invoke(functions.messages.DeleteHistory(peer=peer, max_id=first.id))
        assert (cleared.pts_count, cleared.offset) == (1, 0)
        assert [m.text async for m in p.alice.get_chat_history(p.bob_id)] == ["two"]
        assert [m.text async for m in p.bob.get_chat_history(p.alice_id)] == ["two", "one"]  # his side kept
        await p.alice.invoke(functions.messages.DeleteHistory(peer=peer, max_id=0, revoke=True))
        assert [m async for m in p.alice.get_chat_history(p.bob_id)] == []
        assert [m.id for m in await within(bob_deleted.get(), PROMPTLY)] != []  # revoked on his side
        assert [m.text async for m in p.bob.get_chat_history(p.alice_id)] == ["one"]  # "two" revoked, "one" his

        group = await p.alice.create_group("Leaving", p.bob_id)
        await p.bob.send_message(group.id, "stay")
        assert (await within(received.get(), PROMPTLY)).text == "stay"
        await p.alice.leave_chat(group.id, delete=True)
        assert [m async for m in p.alice.get_chat_history(group.id)] == []
        assert "stay" in [m.text async for m in p.bob.get_chat_history(group.id)]
        await p.alice.send_message(p.bob_id, "after")
        while (await within(bob_received.get(), PROMPTLY)).text != "after":
            pass  # the group's service messages (created, left) come first
        assert calls(p, world, DIFFERENCE) == before and deleted.empty()

        channel = await p.alice.create_channel("No such history")
        with pytest.raises(errors.PeerIdInvalid):
            await p.alice.invoke(
                functions.messages.DeleteHistory(peer=await p.alice.resolve_peer(channel.id), max_id=0)
            )
