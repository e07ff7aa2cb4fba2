"""A broadcast channel's discussion supergroup: ``channels.setDiscussionGroup``, ``messages.getDiscussionMessage``,
``messages.getMessagesViews`` (https://core.telegram.org/api/discussion).

- setDiscussionGroup: links a broadcast channel (BROADCAST_ID_INVALID for a supergroup) with a supergroup
  (MEGAGROUP_ID_INVALID for a broadcast channel); the caller needs ``change_info`` in both (CHAT_ADMIN_REQUIRED);
  ``inputChannelEmpty`` as the group unlinks them. Each post made afterwards is forwarded into the group
  automatically (``chat_messages.discuss``), which opens the post's thread (``threads.py``: the comments, the
  ``replies`` of the post and of its forward), ``getFullChannel`` names the other side as ``linked_chat_id``.
- getDiscussionMessage: the automatic forward of a post in the discussion group (MSG_ID_INVALID for a post that
  has none, a channel with no group), with the viewer's read marks there and the count of newer messages.
- getMessagesViews (https://core.telegram.org/method/messages.getMessagesViews): a channel's messages' counters by
  id, in order, as clients refresh them: a broadcast post's ``views`` and ``forwards`` (``increment``: the caller
  viewed them, counted once per user and post however often he asks, ``Channel.viewers``), ``replies`` of a post
  with a discussion thread (and of its automatic forward; ``threads.py``), nothing for the others (a supergroup's
  messages, ids not there); PEER_ID_INVALID for a peer not a channel, CHANNEL_PRIVATE for a private channel the
  caller is not in, MSG_ID_INVALID for no ids or more than :data:`MAX_VIEWS_IDS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.channels import CHANNEL_ZERO, Channel
from tgfleet.sandbox.chat_views import channel_message_tl, chats_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import admin_with, input_channel
from tgfleet.sandbox.views import message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _unlink(world: World, channel: Channel) -> None:
    other = None if channel.linked_id is None else world.channels.get(channel.linked_id)
    if other is not None:
        other.linked_id = None
    channel.linked_id = None


async def set_discussion_group(world: World, ctx: CallContext, request: f_channels.SetDiscussionGroup) -> bool:
    viewer = world.authorized(ctx)
    broadcast = input_channel(world, viewer, request.broadcast)
    if broadcast.megagroup:
        raise errors.BroadcastIdInvalid()
    admin_with(broadcast, viewer, "change_info")
    if isinstance(request.group, types.InputChannelEmpty):
        _unlink(world, broadcast)
        return True
    group = input_channel(world, viewer, request.group)
    if not group.megagroup:
        raise errors.MegagroupIdInvalid()
    admin_with(group, viewer, "change_info")
    _unlink(world, broadcast)
    _unlink(world, group)
    broadcast.linked_id, group.linked_id = group.id, broadcast.id
    return True


async def get_discussion_message(
    world: World, ctx: CallContext, request: f_messages.GetDiscussionMessage
) -> t_messages.DiscussionMessage:
    viewer = world.authorized(ctx)
    if not isinstance(request.peer, types.InputPeerChannel):
        raise errors.PeerIdInvalid()
    channel = input_channel(world, viewer, request.peer)
    group = None if channel.linked_id is None else world.channels.get(channel.linked_id)
    copy_id = channel.discussion.get(request.msg_id)
    copy = None if group is None or copy_id is None else group.box.get(copy_id)
    if group is None or copy is None:
        raise errors.MsgIdInvalid()
    history = group.box.history(group.marked_id)
    member = group.members.get(viewer.id)
    read = 0 if member is None else member.read_inbox_max_id
    return t_messages.DiscussionMessage(
        messages=[channel_message_tl(group, copy, viewer.id)], max_id=history[-1].id, read_inbox_max_id=read or None,
        read_outbox_max_id=read or None,
        unread_count=sum(1 for m in history if m.id > max(read, copy.id) and m.sender_id != viewer.id),
        chats=chats_tl(world.groups, world.channels, [group.marked_id, channel.marked_id], viewer.id),
        users=users_tl(world.accounts, [viewer.id, *message_users([copy])], viewer.id, world.clock()),
    )  # fmt: skip


MAX_VIEWS_IDS = 100
"""Message ids one getMessagesViews may name."""


async def get_messages_views(
    world: World, ctx: CallContext, request: f_messages.GetMessagesViews
) -> t_messages.MessageViews:
    viewer = world.authorized(ctx)
    if not isinstance(request.peer, types.InputPeerChannel):
        raise errors.PeerIdInvalid()
    channel = input_channel(world, viewer, request.peer)
    if not request.id or len(request.id) > MAX_VIEWS_IDS:
        raise errors.MsgIdInvalid()
    views: list[types.MessageViews] = []
    for message_id in request.id:
        counters = channel.counters(message_id)
        if counters is not None and request.increment:  # one view per user however often he looks
            channel.viewers.setdefault(message_id, set()).add(viewer.id)
            counters = channel.counters(message_id)
        thread = channel.threads.get(message_id) if channel.box.get(message_id) is not None else None
        seen, forwards = counters or (None, None)
        replies = None if thread is None else thread.tl(on_post=not channel.megagroup)
        views.append(types.MessageViews(views=seen, forwards=forwards, replies=replies))
    linked = [] if channel.linked_id is None else [CHANNEL_ZERO - channel.linked_id]
    return t_messages.MessageViews(
        views=views, chats=chats_tl(world.groups, world.channels, [channel.marked_id, *linked], viewer.id),
        users=users_tl(world.accounts, [viewer.id], viewer.id, world.clock()),
    )  # fmt: skip


HANDLERS: dict[type, ServiceFn] = {
    f_channels.SetDiscussionGroup: set_discussion_group,
    f_messages.GetDiscussionMessage: get_discussion_message,
    f_messages.GetMessagesViews: get_messages_views,
}
