"""Messages of groups and channels: sending (``messages.sendMessage`` to ``inputPeerChat`` / ``inputPeerChannel``,
from ``services/messages.py``), history (``messages.getHistory``, from ``services/history.py``),
``channels.getMessages``, ``channels.readHistory``, and the channels' dialogs (for ``messages.getDialogs``).

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
from tgfleet.sandbox.chat_views import channel_message_tl, channel_tl, chats_tl
from tgfleet.sandbox.chats import SendOptions, check_text, sent_message
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import input_channel, member_of, posts
from tgfleet.sandbox.services.pages import MAX_LIMIT, history_page, messages_answer
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _may_send(world: World, channel: Channel, sender: Account) -> None:
    if sender.id not in channel.members or channel.restricted(sender.id, "send_messages"):
        raise errors.ChatWriteForbidden403()
    if not channel.megagroup and not channel.can(sender.id, "post_messages"):
        raise errors.ChatWriteForbidden403()
    member = channel.members[sender.id]
    left = member.last_sent + channel.slowmode_seconds - world.clock()
    if channel.slowmode_seconds and channel.rights_of(sender.id) is None and left > 0:
        raise errors.SlowmodeWait(math.ceil(left))


def _reply_to(box_history: list[SandboxMessage], reply_to: types.TypeInputReplyTo | None) -> int | None:
    if not isinstance(reply_to, types.InputReplyToMessage):
        return None
    if not any(m.id == reply_to.reply_to_msg_id for m in box_history):
        raise errors.ReplyMessageIdInvalid()
    return reply_to.reply_to_msg_id


async def send_into(
    world: World, ctx: CallContext, sender: Account, chat: BasicGroup | Channel, request: f_messages.SendMessage
) -> types.TypeUpdates:
    """``messages.sendMessage`` into a group or channel (see above)."""
    if isinstance(chat, BasicGroup):
        if sender.id not in chat.members:
            raise errors.ChatWriteForbidden403()
        history = sender.mailbox.history(chat.marked_id)
    else:
        _may_send(world, chat, sender)
        history = chat.box.history(chat.marked_id)
    check_text(request.message)
    options = SendOptions(reply_to=_reply_to(history, request.reply_to), silent=request.silent,
                          noforwards=request.noforwards)  # fmt: skip
    sent, entities = posts(world, ctx), tuple(request.entities or ())
    if isinstance(chat, BasicGroup):
        message = sent.to_group(chat, sender, request.message, random_id=request.random_id, entities=entities,
                                options=options)  # fmt: skip
        return sent_message(message)
    message = sent.to_channel(chat, sender, request.message, random_id=request.random_id, entities=entities,
                              options=options)  # fmt: skip
    answer = sent.channel_updates(chat, message, sender.id)
    answer.updates.insert(0, types.UpdateMessageID(id=message.id, random_id=request.random_id))
    return answer


def channel_answer(world: World, channel: Channel, viewer: Account, page: list[SandboxMessage], total: int
                   ) -> t_messages.ChannelMessages:  # fmt: skip
    """``messages.channelMessages``: ``page`` of the channel's messages as ``viewer`` sees them."""
    return t_messages.ChannelMessages(
        pts=channel.box.pts, count=total, messages=[channel_message_tl(channel, m, viewer.id) for m in page],
        topics=[], chats=[channel_tl(world.channels, channel, viewer.id)],
        users=users_tl(world.accounts, [viewer.id, *(m.sender_id for m in page)], viewer.id, world.clock()),
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


async def read_channel_history(world: World, ctx: CallContext, request: f_channels.ReadHistory) -> bool:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    member_of(channel, viewer)
    member = channel.members[viewer.id]
    top = channel.top_message()
    member.read_inbox_max_id = max(member.read_inbox_max_id, top if request.max_id <= 0 else min(request.max_id, top))
    viewer.marks.read(channel.marked_id)
    return True


def channel_dialogs(world: World, viewer: Account) -> list[tuple[SandboxDialog, types.TypeMessage]]:
    """The dialogs of the channels ``viewer`` is a member of, with their top messages."""
    found = []
    for channel in world.channels.of_member(viewer.id):
        history = channel.box.history(channel.marked_id)
        if not history:
            continue
        read = channel.members[viewer.id].read_inbox_max_id
        unread = sum(1 for m in history if m.id > read and m.sender_id != viewer.id)
        dialog = SandboxDialog(channel.marked_id, history[-1].id, unread, read, read)
        found.append((dialog, channel_message_tl(channel, history[-1], viewer.id)))
    return found


def dialog_chats(world: World, viewer: Account, marked_ids: list[int]) -> list[types.TypeChat]:
    return chats_tl(world.groups, world.channels, marked_ids, viewer.id)


HANDLERS: dict[type, ServiceFn] = {
    f_channels.GetMessages: get_channel_messages,
    f_channels.ReadHistory: read_channel_history,
}
