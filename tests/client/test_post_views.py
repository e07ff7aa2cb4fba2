"""Views and forwards of broadcast posts through the sandbox (https://core.telegram.org/method/messages.getMessagesViews):
a post carries ``views`` and ``forwards`` (``Message.views``, ``Message.forwards``), its poster its first viewer;
``view_messages`` (getMessagesViews with ``increment``) counts each user once per post however often he looks, a
visitor of a public channel too; a forward counts. A supergroup's messages and service messages carry no counters.
Refusals typed: ChannelPrivate for a private channel one is not in, PeerIdInvalid outside channels, MsgIdInvalid
for too many ids."""

from __future__ import annotations

import pytest

from tgfleet import Client, errors
from tgfleet.tl import functions

from .chat_pair import chat_pair
from .helpers import logged_in


async def _views(client: Client, chat_id: int, message_id: int) -> tuple[int | None, int | None]:
    [message] = await client.get_messages(chat_id, [message_id])
    return message.views, message.forwards


async def test_each_user_views_a_post_once_however_often_he_looks() -> None:
    async with chat_pair() as p:
        carol = p.tg.add_user(phone="+15550169921", first_name="Carol", username="carol_views", dc=1)
        third = await logged_in(p.tg, carol.phone, "carol")
        try:
            channel = await p.alice.create_channel("Watched")
            await p.alice.add_chat_members(channel.id, [p.bob_id, "carol_views"])
            post = await p.alice.send_message(channel.id, "look at me")
            other = await p.alice.send_message(channel.id, "and at me")
            assert (post.views, post.forwards) == (1, 0)  # its poster saw it
            assert (await _views(p.bob, channel.id, post.id)) == (1, 0)  # fetching is not viewing
            peer = await p.bob.resolve_peer(channel.id)
            asked = await p.bob.invoke(functions.messages.GetMessagesViews(peer=peer, id=[post.id], increment=False))
            assert (asked.views[0].views, asked.views[0].forwards) == (1, 0)  # nor is asking without increment

            assert await p.bob.view_messages(channel.id, post.id) is True
            assert await p.bob.view_messages(channel.id, [post.id]) is True  # the same user again
            assert await p.alice.view_messages(channel.id, post.id) is True  # the poster again
            assert (await _views(p.alice, channel.id, post.id)) == (2, 0)
            assert await third.view_messages(channel.id, [post.id, other.id, 999]) is True
            assert (await _views(p.bob, channel.id, post.id)) == (3, 0)
            assert (await _views(p.bob, channel.id, other.id)) == (2, 0)
            history = {m.id: m.views async for m in p.bob.get_chat_history(channel.id)}
            assert history[post.id] == 3 and history[other.id] == 2
            assert None in history.values()  # the channel's creation: a service message, no counters

            await p.bob.forward_messages(p.alice_id, channel.id, post.id)
            assert (await _views(p.alice, channel.id, post.id)) == (3, 1)

            await p.alice.set_chat_username(channel.id, "watched_posts")
            visitor = p.tg.add_user(phone="+15550169922", first_name="Dave", username="dave_views", dc=1)
            dave = await logged_in(p.tg, visitor.phone, "dave")
            try:
                assert await dave.view_messages("watched_posts", other.id) is True  # no member, a public channel
                assert (await _views(p.alice, channel.id, other.id)) == (3, 0)
            finally:
                await dave.disconnect()
            await p.alice.set_chat_username(channel.id, None)

            room = await p.alice.create_supergroup("Chatty")
            said = await p.alice.send_message(room.id, "no counters here")
            assert await p.alice.view_messages(room.id, said.id) is True
            assert (await _views(p.alice, room.id, said.id)) == (None, None)

            await third.leave_chat(channel.id)
            with pytest.raises(errors.ChannelPrivate):  # a private channel she left
                await third.view_messages(channel.id, post.id)
            with pytest.raises(errors.PeerIdInvalid):
                await p.alice.view_messages(p.bob_id, 1)
            with pytest.raises(errors.MsgIdInvalid):
                await p.alice.view_messages(channel.id, list(range(1, 102)))
        finally:
            await third.disconnect()
