"""A broadcast channel with a discussion supergroup (https://core.telegram.org/api/discussion,
https://core.telegram.org/api/threads), through the sandbox: each post carries ``replies`` (``comments``, the
group's ``channel_id``) that count the comments posted in its thread in the group (replies to the automatic
forward, or to a comment), with the latest commenters and the group's pts; the automatic forward carries the same
count; a comment's reply header names the thread's top; a deleted comment leaves the count. The automatic forward
is from the channel, and forwards of a post name the channel and the post; messages.getMessagesViews refreshes the
counters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tgfleet import errors, filters
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.tl import types as t
from tgfleet.types import Chat, Message

from .chat_pair import ChatPair, chat_pair, inbox

PROMPTLY = 10.0
CHANNEL_ZERO = -1000000000000
"""A channel's marked id is this minus its id (Pyrogram's ``chat.id``; TL names the bare id)."""


def _input_channel(peer: Any) -> t.InputChannel:
    return t.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)


async def _linked(p: ChatPair, received: asyncio.Queue[Message]) -> tuple[Chat, Chat]:
    """Alice's channel and its discussion supergroup, Bob a member of the group."""
    channel = await p.alice.create_channel("Posts")
    talk = await p.alice.create_supergroup("Posts talk")
    await p.alice.add_chat_members(talk.id, p.bob_id)
    await within(received.get(), PROMPTLY)  # the join
    broadcast = _input_channel(await p.alice.resolve_peer(channel.id))
    group = _input_channel(await p.alice.resolve_peer(talk.id))
    assert await p.alice.invoke(functions.channels.SetDiscussionGroup(broadcast=broadcast, group=group))
    return channel, talk


async def _replies(p: ChatPair, chat_id: int, message_id: int) -> t.MessageReplies | None:
    """The ``replies`` of a message of a channel, as Alice fetches it now."""
    channel = _input_channel(await p.alice.resolve_peer(chat_id))
    answer = await p.alice.invoke(functions.channels.GetMessages(channel=channel, id=[t.InputMessageID(id=message_id)]))
    [raw] = answer.messages
    assert isinstance(raw, t.Message)
    return raw.replies


async def test_a_posts_replies_count_the_comments_of_its_thread() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob, filters.group)
        channel, talk = await _linked(p, received)
        post = await p.alice.send_message(channel.id, "what do you think?")
        copy = await within(received.get(), PROMPTLY)
        fresh = await _replies(p, channel.id, post.id)
        group_id = CHANNEL_ZERO - talk.id
        assert fresh is not None and (fresh.comments, fresh.replies, fresh.channel_id) == (True, 0, group_id)
        assert fresh.recent_repliers is None and fresh.max_id is None
        unrelated = await p.alice.send_message(channel.id, "another post")
        await within(received.get(), PROMPTLY)  # its own copy

        first = await p.bob.send_message(talk.id, "great", reply_to_message_id=copy.id)
        second = await p.bob.send_message(talk.id, "really", reply_to_message_id=first.id)  # deeper in the thread
        third = await p.alice.send_message(talk.id, "thanks", reply_to_message_id=second.id)
        await p.bob.send_message(talk.id, "off topic")  # no reply: no comment
        counted = await _replies(p, channel.id, post.id)
        assert counted is not None and (counted.replies, counted.max_id) == (3, third.id)
        assert [r.user_id for r in counted.recent_repliers or []] == [p.alice_id, p.bob_id]  # the latest first
        assert counted.replies_pts > fresh.replies_pts and counted.channel_id == group_id
        on_copy = await _replies(p, talk.id, copy.id)
        assert on_copy is not None and (on_copy.comments, on_copy.replies, on_copy.channel_id) == (False, 3, None)
        other = await _replies(p, channel.id, unrelated.id)
        assert other is not None and other.replies == 0

        [again] = await p.bob.get_messages(talk.id, [second.id])
        assert (again.reply_to_message_id, again.reply_to_top_message_id) == (first.id, copy.id)
        [direct] = await p.bob.get_messages(talk.id, [first.id])
        assert (direct.reply_to_message_id, direct.reply_to_top_message_id) == (copy.id, None)

        assert await p.alice.delete_messages(talk.id, third.id) == 1
        after = await _replies(p, channel.id, post.id)
        assert after is not None and (after.replies, after.max_id) == (2, second.id)
        assert [r.user_id for r in after.recent_repliers or []] == [p.bob_id]


async def test_a_posts_automatic_forward_is_from_the_channel() -> None:
    """The copy of a post in the discussion group is sent as the channel (``sender_chat``, no ``from_user``, not
    outgoing even for the poster) and names the post it comes from; a forward of it, or of the post itself, names
    the channel and the post as its origin, never the poster, and its updates name the channel."""
    async with chat_pair() as p:
        received = inbox(p.bob, filters.group)
        private = inbox(p.bob, filters.private)
        channel, talk = await _linked(p, received)
        post = await p.alice.send_message(channel.id, "from the editors")
        copy = await within(received.get(), PROMPTLY)
        assert copy.from_user is None and copy.sender_chat is not None and copy.sender_chat.id == channel.id
        assert copy.forward_from_chat is not None and copy.forward_from_chat.id == channel.id
        assert (copy.forward_from_message_id, copy.forward_from) == (post.id, None)
        [seen_by_poster] = await p.alice.get_messages(talk.id, [copy.id])
        assert not seen_by_poster.outgoing and seen_by_poster.from_user is None
        assert seen_by_poster.sender_chat is not None and seen_by_poster.sender_chat.id == channel.id
        group = _input_channel(await p.alice.resolve_peer(talk.id))
        raw = await p.alice.invoke(functions.channels.GetMessages(channel=group, id=[t.InputMessageID(id=copy.id)]))
        header = raw.messages[0].fwd_from
        assert (header.channel_post, header.saved_from_msg_id) == (post.id, post.id)
        assert header.saved_from_peer == t.PeerChannel(channel_id=CHANNEL_ZERO - channel.id)

        sent = await p.alice.forward_messages(p.bob_id, channel.id, post.id)  # the post itself
        assert isinstance(sent, Message) and sent.forward_from_chat is not None
        assert sent.forward_from_chat.title == "Posts"  # the answer names the channel
        await p.alice.forward_messages(p.bob_id, talk.id, copy.id)  # its copy in the group
        basic = await p.alice.create_group("Readers", p.bob_id)
        await within(received.get(), PROMPTLY)  # its creation
        await p.alice.forward_messages(basic.id, channel.id, post.id)  # into a basic group
        for queue in (private, private, received):
            forwarded = await within(queue.get(), PROMPTLY)
            assert forwarded.text == "from the editors" and forwarded.from_user.id == p.alice_id
            assert forwarded.forward_from is None and forwarded.forward_from_chat is not None
            assert (forwarded.forward_from_chat.id, forwarded.forward_from_message_id) == (channel.id, post.id)
            assert forwarded.forward_from_chat.title == "Posts"  # the update names the channel


async def test_get_messages_views_refreshes_the_replies_counters() -> None:
    """messages.getMessagesViews, as apps refresh a channel's counters: one entry per id in order, the post's
    ``replies`` as its comments grow, nothing for an id not there; PEER_ID_INVALID outside channels, MSG_ID_INVALID
    for no ids or too many."""
    async with chat_pair() as p:
        received = inbox(p.bob, filters.group)
        channel, talk = await _linked(p, received)
        post = await p.alice.send_message(channel.id, "counted")
        copy = await within(received.get(), PROMPTLY)
        peer = await p.alice.resolve_peer(channel.id)

        async def views() -> list[t.MessageViews]:
            answer = await p.alice.invoke(
                functions.messages.GetMessagesViews(peer=peer, id=[post.id, 999], increment=True)
            )
            assert [c.id for c in answer.chats] == [CHANNEL_ZERO - channel.id, CHANNEL_ZERO - talk.id]
            return list(answer.views)

        before, missing = await views()
        assert before.replies is not None and before.replies.replies == 0 and missing.replies is None
        await p.bob.send_message(talk.id, "first!", reply_to_message_id=copy.id)
        after, _ = await views()
        assert after.replies is not None and after.replies.replies == 1 and after.replies.comments

        with pytest.raises(errors.PeerIdInvalid):
            await p.alice.invoke(functions.messages.GetMessagesViews(peer=await p.alice.resolve_peer(p.bob_id), id=[1],
                                                                     increment=False))  # fmt: skip
        for ids in ([], list(range(1, 102))):
            with pytest.raises(errors.MsgIdInvalid):
                await p.alice.invoke(functions.messages.GetMessagesViews(peer=peer, id=ids, increment=False))
