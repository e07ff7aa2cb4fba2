"""Changing messages inside basic groups, supergroups and channels end to end through the sandbox, seen by every
member: edit_message_text / edit_message_caption, delete_messages (a channel's through channels.deleteMessages,
revoke in basic groups), pins, search_messages, get_chat_history_count, read_chat_history, send_chat_action,
forward_messages / copy_message from and to them, protected content, photos and albums; each refusal as its typed
error (MessageAuthorRequired, MessageNotModified, MessageEditTimeExpired, MessageDeleteForbidden,
ChatAdminRequired, ChatForwardsRestricted, ChatWriteForbidden)."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tgfleet import Client, enums, errors, filters
from tgfleet.handlers import RawUpdateHandler
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.tl import types as t
from tgfleet.types import ChatPermissions, ChatPrivileges, InputMediaPhoto, List, Message

from ..sandbox.media_helpers import png
from .chat_pair import chat_pair, clocked_pair, inbox

PROMPTLY = 10.0
_groups = itertools.count(1)
T = TypeVar("T")
TWO_DAYS = 48 * 3600 + 1


def edits(client: Client) -> asyncio.Queue[Message]:
    queue: asyncio.Queue[Message] = asyncio.Queue()

    @client.on_edited_message()
    def on_edit(_: Client, message: Message) -> None:
        queue.put_nowait(message)

    return queue


def deletions(client: Client) -> asyncio.Queue[List[Message]]:
    queue: asyncio.Queue[List[Message]] = asyncio.Queue()

    @client.on_deleted_messages()
    def on_delete(_: Client, messages: List[Message]) -> None:
        queue.put_nowait(messages)

    return queue


def raw(client: Client, *kinds: type) -> asyncio.Queue[Any]:
    """The updates of ``kinds`` ``client`` gets, each queue's handler in a group of its own (one handler of a group
    sees an update)."""
    queue: asyncio.Queue[Any] = asyncio.Queue()

    async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
        if isinstance(update, kinds):
            queue.put_nowait(update)

    client.add_handler(RawUpdateHandler(on_raw), group=next(_groups))
    return queue


async def _texts(client: Client, chat_id: int) -> list[str]:
    return [m.text for m in [m async for m in client.get_chat_history(chat_id)] if m.text]


async def test_supergroup_edits_deletions_pins_search_and_reads() -> None:
    async with clocked_pair() as (p, clock):
        received, edited, deleted = inbox(p.bob), edits(p.bob), deletions(p.bob)
        typing, read = raw(p.bob, t.UpdateChannelUserTyping), raw(p.bob, t.UpdateReadChannelOutbox)
        group = await p.alice.create_supergroup("Team")
        await p.alice.add_chat_members(group.id, p.bob_id)
        await within(received.get(), PROMPTLY)  # the join
        hello = await p.alice.send_message(group.id, "hello team")
        await within(received.get(), PROMPTLY)
        mine = await p.bob.send_message(group.id, "bob's note")

        with pytest.raises(errors.MessageAuthorRequired):
            await p.alice.edit_message_text(group.id, mine.id, "not hers")
        new = await p.alice.edit_message_text(group.id, hello.id, "hello **team**")
        assert new.text == "hello team" and new.edit_date is not None and new.chat.id == group.id
        seen = await within(edited.get(), PROMPTLY)
        assert (seen.id, seen.chat.id, seen.entities[0].type) == (hello.id, group.id, enums.MessageEntityType.BOLD)
        with pytest.raises(errors.MessageNotModified):
            await p.alice.edit_message_text(group.id, hello.id, "hello **team**")

        with pytest.raises(errors.MessageDeleteForbidden):
            await p.bob.delete_messages(group.id, hello.id)
        doomed = await p.bob.send_message(group.id, "oops")
        assert await p.alice.delete_messages(group.id, doomed.id) == 1  # the creator deletes anyone's
        gone = await within(deleted.get(), PROMPTLY)
        assert [m.id for m in gone] == [doomed.id] and gone[0].chat.id == group.id
        assert "oops" not in await _texts(p.bob, group.id)

        await p.alice.restrict_chat_member(group.id, p.bob_id, ChatPermissions(can_send_messages=True))
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.pin_chat_message(group.id, hello.id)
        await p.alice.pin_chat_message(group.id, hello.id)
        pinned = [m.id async for m in p.bob.search_messages(group.id, filter=enums.MessagesFilter.PINNED)]
        assert pinned == [hello.id]
        assert await p.alice.unpin_chat_message(group.id, hello.id)
        assert [m async for m in p.bob.search_messages(group.id, filter=enums.MessagesFilter.PINNED)] == []

        assert [m.id async for m in p.bob.search_messages(group.id, "TEAM")] == [hello.id]
        assert [m.id async for m in p.alice.search_messages(group.id, from_user=p.bob_id)] == [mine.id]
        assert await p.bob.get_chat_history_count(group.id) == len([m async for m in p.bob.get_chat_history(group.id)])

        assert await p.alice.read_chat_history(group.id)
        assert (await within(read.get(), PROMPTLY)).max_id == mine.id  # Bob's note was read by Alice
        assert await p.alice.send_chat_action(group.id, enums.ChatAction.TYPING)
        assert (await within(typing.get(), PROMPTLY)).from_id == t.PeerUser(user_id=p.alice_id)

        clock.advance(TWO_DAYS)
        with pytest.raises(errors.MessageEditTimeExpired):
            await p.bob.edit_message_text(group.id, mine.id, "too late")


async def test_channel_posts_are_edited_by_admins_with_the_right_and_protected_ones_stay() -> None:
    async with clocked_pair() as (p, clock):
        edited = edits(p.alice)
        channel = await p.alice.create_channel("News")
        await p.alice.add_chat_members(channel.id, p.bob_id)
        post = await p.alice.send_message(channel.id, "first post")
        secret = await p.alice.send_message(channel.id, "members only", protect_content=True)
        with pytest.raises(errors.ChatWriteForbidden):
            await p.bob.send_message(channel.id, "not a poster")
        with pytest.raises(errors.MessageAuthorRequired):
            await p.bob.edit_message_text(channel.id, post.id, "not his")
        with pytest.raises(errors.MessageDeleteForbidden):
            await p.bob.delete_messages(channel.id, post.id)
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.pin_chat_message(channel.id, post.id)

        with pytest.raises(errors.ChatForwardsRestricted):
            await p.bob.forward_messages(p.alice_id, channel.id, secret.id)
        forwarded = await p.bob.forward_messages(p.alice_id, channel.id, post.id)
        assert isinstance(forwarded, Message) and forwarded.text == "first post"
        assert forwarded.forward_date is not None
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.set_chat_protected_content(channel.id, True)
        assert await p.alice.set_chat_protected_content(channel.id, True)  # the whole channel now
        assert (await p.bob.get_chat(channel.id)).has_protected_content
        with pytest.raises(errors.ChatForwardsRestricted):
            await p.bob.forward_messages(p.alice_id, channel.id, post.id)
        with pytest.raises(errors.ChatNotModified):
            await p.alice.set_chat_protected_content(channel.id, True)
        assert await p.alice.set_chat_protected_content(channel.id, False)

        clock.advance(TWO_DAYS)
        with pytest.raises(errors.MessageEditTimeExpired):
            await p.bob.edit_message_text(p.alice_id, forwarded.id, "late")
        await p.alice.send_message(channel.id, "new")
        await p.alice.promote_chat_member(channel.id, p.bob_id, ChatPrivileges(can_edit_messages=True))
        fixed = await p.bob.edit_message_text(channel.id, post.id, "first post, fixed")  # no time limit for him
        assert fixed.text == "first post, fixed"
        assert (await within(edited.get(), PROMPTLY)).text == "first post, fixed"
        assert await p.alice.delete_messages(channel.id, [post.id, secret.id]) == 2
        assert await _texts(p.bob, channel.id) == ["new"]


async def test_basic_group_revoke_edit_pin_and_read() -> None:
    async with chat_pair() as p:
        edited, deleted = edits(p.alice), deletions(p.bob)
        read = raw(p.alice, t.UpdateReadHistoryOutbox)
        group = await p.alice.create_group("Pair", p.bob_id)
        hers = await p.alice.send_message(group.id, "alice says")
        his = await p.bob.send_message(group.id, "bob says")
        his_copy = (await p.alice.get_chat_history(group.id, limit=1).__anext__()).id
        hers_copy = (await p.bob.search_messages(group.id, "alice says").__anext__()).id

        await p.bob.edit_message_text(group.id, his.id, "bob said")
        seen = await within(edited.get(), PROMPTLY)
        assert (seen.id, seen.text, seen.chat.id) == (his_copy, "bob said", group.id)
        assert await p.bob.read_chat_history(group.id)
        assert (await within(read.get(), PROMPTLY)).max_id == hers.id  # Alice's copy of what Bob read
        with pytest.raises(errors.MessageDeleteForbidden):
            await p.bob.delete_messages(group.id, hers_copy)  # revoke: hers, and he is no admin
        assert await p.bob.delete_messages(group.id, hers_copy, revoke=False) == 1  # his copy only
        assert "alice says" not in await _texts(p.bob, group.id)
        assert "alice says" in await _texts(p.alice, group.id)

        await p.bob.pin_chat_message(group.id, his.id)  # a basic group's members may pin
        assert [m.id async for m in p.alice.search_messages(group.id, filter=enums.MessagesFilter.PINNED)] == [his_copy]

        assert await p.alice.delete_messages(group.id, his_copy) == 1  # an admin (the creator) revokes his
        gone = await within(deleted.get(), PROMPTLY)  # Bob's copy gone too (his own deletion was no news to him)
        assert [m.id for m in gone] == [his.id]
        assert "bob said" not in await _texts(p.bob, group.id)


async def test_photos_albums_captions_and_copies_in_chats() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob)
        group = await p.alice.create_supergroup("Pictures")
        channel = await p.alice.create_channel("Gallery")
        for chat in (group, channel):
            await p.alice.add_chat_members(chat.id, p.bob_id)
        photo = await p.alice.send_photo(group.id, io.BytesIO(png(320, 240)), caption="sunset")
        assert photo.photo is not None and photo.caption == "sunset" and photo.chat.id == group.id
        got = await within(_next_with(received, lambda m: m.photo is not None), PROMPTLY)
        assert got.caption == "sunset" and got.photo.width == 320
        assert (await p.bob.download_media(got, in_memory=True)).getvalue() == png(320, 240)  # type: ignore[union-attr]

        captioned = await p.alice.edit_message_caption(group.id, photo.id, "sunrise")
        assert captioned.caption == "sunrise" and captioned.photo is not None
        assert (await p.alice.edit_message_caption(group.id, photo.id, "")).caption is None  # removed
        with pytest.raises(errors.MediaCaptionTooLong):
            await p.alice.edit_message_caption(group.id, photo.id, "x" * 1025)

        pictures = [InputMediaPhoto(io.BytesIO(png(60, 60)), caption="a"), InputMediaPhoto(io.BytesIO(png(70, 70)))]
        album = await p.alice.send_media_group(channel.id, pictures)
        assert [m.chat.id for m in album] == [channel.id] * 2 and album[0].media_group_id == album[1].media_group_id
        forwarded = await p.alice.forward_messages(group.id, channel.id, [m.id for m in album])
        assert [m.photo.width for m in forwarded] == [60, 70] and all(m.chat.id == group.id for m in forwarded)
        copied = await p.bob.copy_message(p.alice_id, group.id, (await p.bob.send_message(group.id, "copy me")).id)
        assert copied.text == "copy me" and copied.forward_date is None

        private = await p.bob.send_photo(p.alice_id, io.BytesIO(png(50, 50)), caption="for you")
        assert (await p.bob.edit_message_caption(p.alice_id, private.id, "for you, Alice")).caption == "for you, Alice"


async def _next_with(queue: asyncio.Queue[T], wanted: Callable[[T], bool]) -> T:
    while not wanted(message := await queue.get()):
        pass
    return message


async def test_a_channels_posts_are_forwarded_into_its_discussion_group() -> None:
    async with chat_pair() as p:
        received = inbox(p.bob, filters.group)
        channel = await p.alice.create_channel("Blog")
        assert await p.alice.set_chat_username(channel.id, "the_blog")  # public: Bob reads it without joining
        talk = await p.alice.create_supergroup("Blog talk")
        await p.alice.add_chat_members(talk.id, p.bob_id)
        await within(received.get(), PROMPTLY)  # the join
        with pytest.raises(errors.MsgIdInvalid):
            await p.alice.get_discussion_message(channel.id, 1)  # no group yet
        link = functions.channels.SetDiscussionGroup
        broadcast, group = (
            _channel(await p.alice.resolve_peer(channel.id)),
            _channel(await p.alice.resolve_peer(talk.id)),
        )
        with pytest.raises(errors.BroadcastIdInvalid):
            await p.alice.invoke(link(broadcast=group, group=broadcast))
        assert await p.alice.invoke(link(broadcast=broadcast, group=group))
        assert (await p.alice.get_chat(channel.id)).linked_chat.id == talk.id  # type: ignore[union-attr]

        post = await p.alice.send_message(channel.id, "read my post")
        copy = await within(received.get(), PROMPTLY)  # Bob is in the group only: he gets the forward
        assert (copy.chat.id, copy.text, copy.forward_from_chat.id) == (talk.id, "read my post", channel.id)  # type: ignore[union-attr]
        found = await p.bob.get_discussion_message(channel.id, post.id)  # a public view through the group
        assert (found.id, found.chat.id) == (copy.id, talk.id)
        comment = await p.bob.send_message(talk.id, "nice", reply_to_message_id=found.id)
        assert comment.reply_to_message_id == copy.id
        with pytest.raises(errors.MsgIdInvalid):
            await p.alice.get_discussion_message(channel.id, post.id + 100)


def _channel(peer: Any) -> t.InputChannel:
    return t.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)
