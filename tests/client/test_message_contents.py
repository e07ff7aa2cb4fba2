"""messages.readMessageContents through the sandbox (https://core.telegram.org/method/messages.readMessageContents):
a voice message is ``media_unread`` on both sides until its recipient plays it; a group message mentioning a
member (by @username, by a text mention, by answering his message) is ``mentioned`` for him, and counted among his
dialog's unread mentions until he reads it (readMessageContents, or readMentions for the whole chat). Reading the
contents answers ``messages.affectedMessages``, which keeps the caller's pts in step (no getDifference, nothing
replayed to his own handlers); his other sessions, and a voice message's sender, get
``updateReadMessagesContents``. In a supergroup the message is stored once, but its mention and its unplayed voice
are each member's own: ``channels.readMessageContents`` and ``read_mentions`` read them for him alone
(``updateChannelReadMessagesContents`` to his other sessions), his dialog counts what is left."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.e2e.helpers import RecordingWorld
from tgfleet import Client, errors, filters
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.handlers import RawUpdateHandler
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.tl import types as t
from tgfleet.types import Message

from ..sandbox.media_helpers import pattern
from .chat_pair import ChatPair, chat_pair
from .helpers import logged_in, login, make_client

PROMPTLY = 10.0
U = TypeVar("U")
DIFFERENCE = "updates.getDifference"


def _inbox(client: Client) -> asyncio.Queue[Message]:
    queue: asyncio.Queue[Message] = asyncio.Queue()

    @client.on_message(filters.incoming & ~filters.service)
    def on_message(_: Client, message: Message) -> None:
        queue.put_nowait(message)

    return queue


def _updates_of(client: Client, kind: type[U]) -> asyncio.Queue[U]:
    """The updates of ``kind`` ``client``'s handlers get, in order."""
    queue: asyncio.Queue[U] = asyncio.Queue()

    async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
        if isinstance(update, kind):
            queue.put_nowait(update)

    client.add_handler(RawUpdateHandler(on_raw))
    return queue


def _contents_read(client: Client) -> asyncio.Queue[t.UpdateReadMessagesContents]:
    return _updates_of(client, t.UpdateReadMessagesContents)


async def _raw(client: Client, message_id: int) -> t.Message:
    """The message of ``client``'s common box with this id, as the server has it now."""
    answer = await client.invoke(functions.messages.GetMessages(id=[t.InputMessageID(id=message_id)]))
    [raw] = answer.messages
    assert isinstance(raw, t.Message)
    return raw


async def _unread_mentions(client: Client, chat_id: int) -> int:
    """The dialog's count of unread mentions, as ``get_dialogs`` shows it."""
    [count] = [d.unread_mentions_count async for d in client.get_dialogs() if d.chat.id == chat_id]
    return int(count)


def _difference_calls(p: ChatPair, world: RecordingWorld) -> int:
    assert p.bob.storage is not None
    key = p.bob.storage.get_auth_key(1)
    assert key is not None
    return world.calls_of(auth_key_id(key)).count(DIFFERENCE)


async def test_playing_a_voice_message_reads_it_on_both_sides_and_keeps_pts_in_step() -> None:
    world = RecordingWorld(dcs=1)
    async with chat_pair(world=world) as p:
        me = await p.bob.get_me()
        bob_again = await logged_in(p.tg, me.phone_number, "bob-again")  # Bob's second session
        try:
            inbox, mine, other_session = _inbox(p.bob), _contents_read(p.bob), _contents_read(bob_again)
            told_alice = _contents_read(p.alice)
            voice = await p.alice.send_voice(p.bob_id, pattern(2000), duration=2)
            heard = await within(inbox.get(), PROMPTLY)
            assert heard.voice is not None
            assert (await _raw(p.bob, heard.id)).media_unread and (await _raw(p.alice, voice.id)).media_unread
            text = await p.alice.send_message(p.bob_id, "no media here")
            plain = await within(inbox.get(), PROMPTLY)
            assert not (await _raw(p.bob, plain.id)).media_unread
            before = _difference_calls(p, world)

            answer = await p.bob.invoke(functions.messages.ReadMessageContents(id=[heard.id, plain.id, 9999]))
            assert isinstance(answer, t.messages.AffectedMessages) and answer.pts_count == 1
            assert (await within(other_session.get(), PROMPTLY)).messages == [heard.id]
            assert (await within(told_alice.get(), PROMPTLY)).messages == [voice.id]  # her copy was played
            assert not (await _raw(p.bob, heard.id)).media_unread
            assert not (await _raw(p.alice, voice.id)).media_unread and text.id != voice.id
            again = await p.bob.invoke(functions.messages.ReadMessageContents(id=[heard.id]))
            assert again.pts_count == 0  # read already: nothing changes

            await p.alice.send_message(p.bob_id, "after")
            assert (await within(inbox.get(), PROMPTLY)).text == "after"  # fits his pts: no gap to fill
            assert (_difference_calls(p, world), mine.qsize()) == (before, 0)  # nothing replayed to himself
        finally:
            await bob_again.disconnect()


async def test_a_group_message_mentions_a_member_until_he_reads_it() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Mentions", p.bob_id)
        bob, alice = await p.bob.get_me(), await p.alice.get_me()
        inbox_bob, inbox_alice = _inbox(p.bob), _inbox(p.alice)
        await p.alice.send_message(group.id, f"ping @{bob.username}, please")
        by_name = await within(inbox_bob.get(), PROMPTLY)
        await p.alice.send_message(group.id, f"[you](tg://user?id={p.bob_id}) too")
        by_link = await within(inbox_bob.get(), PROMPTLY)
        await p.alice.send_message(group.id, f"not @{bob.username}x nor mail@{bob.username}")
        nobody = await within(inbox_bob.get(), PROMPTLY)
        assert (by_name.mentioned, by_link.mentioned, nobody.mentioned) == (True, True, False)
        assert (await _raw(p.bob, by_name.id)).media_unread and not (await _raw(p.bob, nobody.id)).media_unread

        await p.bob.send_message(group.id, "answering you", reply_to_message_id=nobody.id)
        answered = await within(inbox_alice.get(), PROMPTLY)
        assert answered.mentioned and answered.from_user.id == p.bob_id and alice.id == p.alice_id

        assert await _unread_mentions(p.bob, group.id) == 2
        answer = await p.bob.invoke(functions.messages.ReadMessageContents(id=[by_name.id]))
        assert answer.pts_count == 1
        after = await _raw(p.bob, by_name.id)
        assert after.mentioned and not after.media_unread  # still a mention, no longer an unread one
        assert await _unread_mentions(p.bob, group.id) == 1
        peer = await p.bob.resolve_peer(group.id)
        everything = await p.bob.invoke(functions.messages.ReadMentions(peer=peer))
        assert isinstance(everything, t.messages.AffectedHistory) and everything.pts_count == 1
        assert not (await _raw(p.bob, by_link.id)).media_unread
        assert await _unread_mentions(p.bob, group.id) == 0
        assert (await p.bob.invoke(functions.messages.ReadMentions(peer=peer))).pts_count == 0  # none left
        with pytest.raises(errors.MessageIdsEmpty):
            await p.bob.invoke(functions.messages.ReadMessageContents(id=[]))
        with pytest.raises(errors.LimitInvalid):
            await p.bob.invoke(functions.messages.ReadMessageContents(id=list(range(1, 102))))


async def test_a_session_that_was_away_learns_the_contents_read_from_the_difference(tmp_path: Path) -> None:
    async with chat_pair() as p:
        me = await p.bob.get_me()
        away = make_client(p.tg, "bob-away", in_memory=False, workdir=tmp_path)
        await away.connect()
        await login(away, p.tg, me.phone_number)
        inbox = _inbox(p.bob)
        await p.alice.send_voice(p.bob_id, pattern(1500), duration=1)
        heard = await within(inbox.get(), PROMPTLY)
        await away.disconnect()

        assert (await p.bob.invoke(functions.messages.ReadMessageContents(id=[heard.id]))).pts_count == 1
        back = make_client(p.tg, "bob-away", in_memory=False, workdir=tmp_path)  # the same session file
        caught_up = _contents_read(back)
        assert await back.connect()  # logged in: it catches up by getDifference
        try:
            assert (await within(caught_up.get(), PROMPTLY)).messages == [heard.id]
        finally:
            await back.disconnect()


async def _channel_raw(client: Client, chat_id: int, message_id: int) -> t.Message:
    """The supergroup's message as the server shows it to ``client`` now."""
    peer = await client.resolve_peer(chat_id)
    channel = t.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)
    answer = await client.invoke(functions.channels.GetMessages(channel=channel, id=[t.InputMessageID(id=message_id)]))
    [raw] = answer.messages
    assert isinstance(raw, t.Message)
    return raw


async def test_a_supergroups_mentions_are_each_members_own_until_he_reads_them() -> None:
    async with chat_pair() as p:
        carol = p.tg.add_user(phone="+15550169911", first_name="Carol", username="carol_mentions", dc=1)
        third = await logged_in(p.tg, carol.phone, "carol")
        me = await p.bob.get_me()
        bob_again = await logged_in(p.tg, me.phone_number, "bob-again")
        try:
            room = await p.alice.create_supergroup("Loud room")
            await p.alice.add_chat_members(room.id, [p.bob_id, "carol_mentions"])
            inbox_bob, inbox_alice = _inbox(p.bob), _inbox(p.alice)
            other_session = _updates_of(bob_again, t.UpdateChannelReadMessagesContents)
            await p.alice.send_message(room.id, f"ping @{me.username}, please")
            by_name = await within(inbox_bob.get(), PROMPTLY)
            await p.alice.send_message(room.id, f"[you](tg://user?id={p.bob_id}) too")
            by_link = await within(inbox_bob.get(), PROMPTLY)
            await p.alice.send_message(room.id, "nobody in particular")
            nobody = await within(inbox_bob.get(), PROMPTLY)
            assert (by_name.mentioned, by_link.mentioned, nobody.mentioned) == (True, True, False)
            seen_by_carol = await _channel_raw(third, room.id, by_name.id)
            assert not seen_by_carol.mentioned and not seen_by_carol.media_unread  # the same message, not hers
            assert not (await _channel_raw(p.alice, room.id, by_name.id)).mentioned  # nor the sender's
            voice = await p.alice.send_voice(room.id, pattern(1200), duration=1)
            assert (await within(inbox_bob.get(), PROMPTLY)).voice is not None
            assert (await _channel_raw(third, room.id, voice.id)).media_unread  # unplayed by each member
            assert not (await _channel_raw(p.alice, room.id, voice.id)).media_unread

            await p.bob.send_message(room.id, "answering you", reply_to_message_id=nobody.id)
            answered = await within(inbox_alice.get(), PROMPTLY)
            assert answered.mentioned and answered.from_user.id == p.bob_id
            assert await _unread_mentions(p.alice, room.id) == 1
            assert (await _unread_mentions(p.bob, room.id), await _unread_mentions(third, room.id)) == (2, 0)

            peer = await p.bob.resolve_peer(room.id)
            channel = t.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)
            read = functions.channels.ReadMessageContents(channel=channel, id=[by_name.id, nobody.id, 9999])
            assert await p.bob.invoke(read) is True
            assert (await within(other_session.get(), PROMPTLY)).messages == [by_name.id]
            after = await _channel_raw(p.bob, room.id, by_name.id)
            assert after.mentioned and not after.media_unread  # still a mention, no longer an unread one
            assert await _unread_mentions(p.bob, room.id) == 1
            assert await p.bob.read_mentions(room.id) is True
            assert (await within(other_session.get(), PROMPTLY)).messages == [by_link.id]
            assert await _unread_mentions(p.bob, room.id) == 0
            assert await _unread_mentions(p.alice, room.id) == 1  # hers are hers
            assert await p.alice.read_mentions(room.id) is True
            assert await _unread_mentions(p.alice, room.id) == 0
            assert (await _channel_raw(third, room.id, voice.id)).media_unread  # Carol has not played it yet
            with pytest.raises(errors.MessageIdsEmpty):
                await p.bob.invoke(functions.channels.ReadMessageContents(channel=channel, id=[]))
            with pytest.raises(errors.LimitInvalid):
                await p.bob.invoke(functions.channels.ReadMessageContents(channel=channel, id=list(range(1, 102))))
            await p.bob.leave_chat(room.id)
            with pytest.raises(errors.ChannelPrivate):  # a private supergroup he is no longer in
                await p.bob.read_mentions(room.id)
            group = await p.alice.create_group("Small room", p.bob_id)
            await p.alice.send_message(group.id, f"hey @{me.username}")
            await within(inbox_bob.get(), PROMPTLY)
            assert await _unread_mentions(p.bob, group.id) == 1
            assert await p.bob.read_mentions(group.id) is True  # a basic group's, through the same call
            assert await _unread_mentions(p.bob, group.id) == 0
        finally:
            await bob_again.disconnect()
            await third.disconnect()
