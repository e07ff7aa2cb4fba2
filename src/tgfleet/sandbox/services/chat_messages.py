"""Messages of groups and channels: sending (``messages.sendMessage`` to ``inputPeerChat`` / ``inputPeerChannel``,
from ``services/messages.py``), history (``messages.getHistory``, from ``services/history.py``),
``channels.getMessages`` and the channels' dialogs (for ``messages.getDialogs``).

- sending: CHAT_WRITE_FORBIDDEN (403) for a basic group the caller is not in, a channel he is not a member of, a
  broadcast channel where he may not post (``post_messages``) and a member restricted from ``send_messages``;
  SLOWMODE_WAIT_X for a member who is no admin sending again within the supergroup's slow mode, X the seconds
  left; REPLY_MESSAGE_ID_INVALID for a reply to a message not in that chat. A basic group answers
  ``updateShortSentMessage`` (its message is in the sender's box, on his common pts), a channel ``updates`` with
  ``updateMessageID`` and ``updateNewChannelMessage`` (the channel's pts).
- history: a basic group's from the viewer's own box (what he received while a member), a channel's from its box
  (``messages.channelMessages`` with the channel's pts), paged as private chats are (``pages.history_page``).
- channels.getMessages: by id, ``messageEmpty`` for an id not there; more than 100: LIMIT_INVALID.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_views import channel_message_tl, chats_tl, origins
from tgfleet.sandbox.chats import SendOptions, check_text, sent_message
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.forward_origin import ForwardOrigin
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import input_channel, posts
from tgfleet.sandbox.services.pages import MAX_LIMIT, history_page, messages_answer
from tgfleet.sandbox.threads import Thread
from tgfleet.sandbox.views import message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def may_send(world: World, chat: BasicGroup | Channel, sender: Account) -> None:
    """CHAT_WRITE_FORBIDDEN, SLOWMODE_WAIT_X unless ``sender`` may send into ``chat`` now (see above)."""
    if isinstance(chat, BasicGroup):
        if sender.id not in chat.members:
            raise errors.ChatWriteForbidden403()
        return
    if sender.id not in chat.members or chat.restricted(sender.id, "send_messages"):
        raise errors.ChatWriteForbidden403()
    if not chat.megagroup and not chat.can(sender.id, "post_messages"):
        raise errors.ChatWriteForbidden403()
    member = chat.members[sender.id]
    left = member.last_sent + chat.slowmode_seconds - world.clock()
    if chat.slowmode_seconds and chat.rights_of(sender.id) is None and left > 0:
        raise errors.SlowmodeWait(math.ceil(left))


def chat_reply_to(sender: Account, chat: BasicGroup | Channel, reply_to: types.TypeInputReplyTo | None) -> int | None:
    """The id of the message answered (the sender's copy in a basic group), REPLY_MESSAGE_ID_INVALID when it is
    not in that chat."""
    if not isinstance(reply_to, types.InputReplyToMessage):
        return None
    box = sender.mailbox if isinstance(chat, BasicGroup) else chat.box
    message = box.get(reply_to.reply_to_msg_id)
    if message is None or message.peer_id != chat.marked_id:
        raise errors.ReplyMessageIdInvalid()
    return message.id


def post(
    world: World, ctx: CallContext | None, sender: Account, chat: BasicGroup | Channel, text: str,
    random_id: int | None, entities: tuple[object, ...], options: SendOptions,
) -> tuple[SandboxMessage, types.Updates]:  # fmt: skip
    """Send into the chat (the members get it pushed): the sender's message and his ``updates`` with it, its
    ``updateMessageID`` first (when the send has a ``random_id``)."""
    sent = posts(world, ctx)
    if isinstance(chat, BasicGroup):
        message = sent.to_group(chat, sender, text, random_id=random_id, entities=entities, options=options)
        answer = sent.group_updates(chat, message, sender.id)
    else:
        message = sent.to_channel(
            chat, sender, text, random_id=random_id, entities=entities, options=options,
            on_stored=lambda stored: discuss(world, ctx, chat, stored),
        )  # fmt: skip
        answer = sent.channel_updates(chat, message, sender.id)
    if random_id is not None:
        answer.updates.insert(0, types.UpdateMessageID(id=message.id, random_id=random_id))
    return message, answer


def discuss(world: World, ctx: CallContext | None, channel: Channel, post: SandboxMessage) -> None:
    """Forward a broadcast channel's new post into its discussion supergroup, as Telegram does, once, and open the
    post's thread there (``threads.py``: the post's ``replies`` before it is pushed, the copy's)."""
    group = None if channel.megagroup or channel.linked_id is None else world.channels.get(channel.linked_id)
    if group is None or post.id in channel.discussion or post.action is not None:
        return
    origin = ForwardOrigin(channel.marked_id, post.date, post.id, automatic=True)
    options = SendOptions(forward=origin, media=post.media, grouped_id=post.grouped_id)
    poster = world.accounts[post.sender_id]
    copy = posts(world, ctx).to_channel(
        group, poster, post.text, entities=post.entities, options=options,
        on_stored=lambda made: _open_thread(channel, post, group, made),
    )  # fmt: skip
    channel.discussion[post.id] = copy.id


def _open_thread(channel: Channel, post: SandboxMessage, group: Channel, copy: SandboxMessage) -> None:
    thread = Thread(channel_id=channel.id, post_id=post.id, group_id=group.id, top_id=copy.id, pts=copy.pts)
    channel.threads[post.id] = group.threads[copy.id] = thread


def merged(answers: list[types.Updates]) -> types.Updates:
    """One ``updates`` of several sends' answers (an album, a forward of several messages), in order."""
    users = {getattr(u, "id", 0): u for a in answers for u in a.users}
    chats = {getattr(c, "id", 0): c for a in answers for c in a.chats}
    updates = [u for a in answers for u in a.updates]
    return types.Updates(updates=updates, users=list(users.values()), chats=list(chats.values()),
                         date=answers[-1].date, seq=0)  # fmt: skip


def into_options(
    world: World, sender: Account, chat: BasicGroup | Channel, request: f_messages.SendMessage
) -> SendOptions:
    """The checks of ``messages.sendMessage`` into a group or channel (see above), and its send options."""
    may_send(world, chat, sender)
    check_text(request.message)
    return SendOptions(reply_to=chat_reply_to(sender, chat, request.reply_to), silent=request.silent,
                       noforwards=request.noforwards)  # fmt: skip


async def send_into(
    world: World, ctx: CallContext, sender: Account, chat: BasicGroup | Channel, request: f_messages.SendMessage
) -> types.TypeUpdates:
    """``messages.sendMessage`` into a group or channel (see above)."""
    options = into_options(world, sender, chat, request)
    entities = tuple(request.entities or ())
    message, answer = post(world, ctx, sender, chat, request.message, request.random_id, entities, options)
    return sent_message(message) if isinstance(chat, BasicGroup) else answer


def channel_answer(world: World, channel: Channel, viewer: Account, page: list[SandboxMessage], total: int
                   ) -> t_messages.ChannelMessages:  # fmt: skip
    """``messages.channelMessages``: ``page`` of the channel's messages as ``viewer`` sees them."""
    return t_messages.ChannelMessages(
        pts=channel.box.pts, count=total, messages=[channel_message_tl(channel, m, viewer.id) for m in page],
        topics=[], chats=chats_tl(world.groups, world.channels, [channel.marked_id, *origins(page)], viewer.id),
        users=users_tl(world.accounts, [viewer.id, *message_users(page)], viewer.id, world.clock()),
    )  # fmt: skip


def chat_history(
    world: World, viewer: Account, chat: BasicGroup | Channel, request: f_messages.GetHistory
) -> t_messages.TypeMessages:
    """``messages.getHistory`` of a group or channel (see above)."""
    box = viewer.mailbox if isinstance(chat, BasicGroup) else chat.box
    history = box.history(chat.marked_id)
    page = history_page(
        history[::-1], offset_id=request.offset_id, offset_date=request.offset_date, add_offset=request.add_offset,
        limit=request.limit, max_id=request.max_id, min_id=request.min_id,
    )  # fmt: skip
    if isinstance(chat, BasicGroup):
        return messages_answer(world, viewer, page, len(history))
    return channel_answer(world, chat, viewer, page, len(history))


async def get_channel_messages(
    world: World, ctx: CallContext, request: f_channels.GetMessages
) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    if len(request.id) > MAX_LIMIT:
        raise errors.LimitInvalid()
    found = [channel.box.get(w.id) if isinstance(w, types.InputMessageID) else None for w in request.id]
    answer = channel_answer(world, channel, viewer, [m for m in found if m is not None], 0)
    answer.messages = [
        channel_message_tl(channel, m, viewer.id) if m is not None else types.MessageEmpty(id=getattr(w, "id", 0))
        for w, m in zip(request.id, found, strict=True)
    ]
    answer.count = len(answer.messages)
    return answer


def channel_dialogs(world: World, viewer: Account) -> list[tuple[SandboxDialog, types.TypeMessage]]:
    """The dialogs of the channels ``viewer`` is a member of, with their top messages (and his unread mentions)."""
    found = []
    for channel in world.channels.of_member(viewer.id):
        history = channel.box.history(channel.marked_id)
        if not history:
            continue
        read = channel.members[viewer.id].read_inbox_max_id
        unread = sum(1 for m in history if m.id > read and m.sender_id != viewer.id)
        mentions = len(channel.unread_mentions(viewer.id))
        dialog = SandboxDialog(channel.marked_id, history[-1].id, unread, read, read, unread_mentions=mentions)
        found.append((dialog, channel_message_tl(channel, history[-1], viewer.id)))
    return found


def dialog_chats(world: World, viewer: Account, marked_ids: list[int]) -> list[types.TypeChat]:
    return chats_tl(world.groups, world.channels, marked_ids, viewer.id)


HANDLERS: dict[type, ServiceFn] = {
    f_channels.GetMessages: get_channel_messages,
}
