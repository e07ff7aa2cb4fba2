"""Changing the messages of basic groups, supergroups and channels: the group and channel side of
``messages.editMessage``, ``deleteMessages``, ``readHistory``, ``readMentions``, ``updatePinnedMessage`` and
``setTyping`` (``services/changes.py`` routes a chat peer here), ``channels.deleteMessages`` and
``channels.readMessageContents``
(https://core.telegram.org/api/channel, https://core.telegram.org/api/rights; the changes: ``group_changes.py``,
``channel_changes.py``).

- edit: MESSAGE_ID_INVALID for an id not in that chat, MESSAGE_AUTHOR_REQUIRED for another's message (in a
  broadcast channel an admin with ``edit_messages`` may edit every post), then the private chats' checks
  (``changes.edited_text``); the 48 h limit does not bind a broadcast channel's admins with ``edit_messages``.
- delete in a basic group (``messages.deleteMessages``, ids of the caller's box): ``revoke`` deletes every
  member's copy, allowed for one's own messages and for the group's admins (MESSAGE_DELETE_FORBIDDEN otherwise);
  without it only the caller's copy goes. channels.deleteMessages: one's own messages, others' only with
  ``delete_messages`` (MESSAGE_DELETE_FORBIDDEN); MESSAGE_IDS_EMPTY, LIMIT_INVALID above 100; the channel's pts.
- read: the reader's copies (a basic group) or his read mark in the channel (``channels.readHistory``).
- channels.readMessageContents: a supergroup member's mentions and voice messages / round videos by id read for him
  (``true``; his other sessions get ``updateChannelReadMessagesContents``); MESSAGE_IDS_EMPTY for none, LIMIT_INVALID
  above 100, ids not his to read skipped. messages.readMentions with a supergroup reads all his mentions there
  (``messages.affectedHistory`` with the channel's pts, no pts event). CHANNEL_PRIVATE for a private channel the
  caller is not in.
- pin: every member of a basic group may pin (its default rights); in a broadcast channel admins with
  ``pin_messages``, in a supergroup admins with it and members not restricted from it: CHAT_ADMIN_REQUIRED.
- setTyping: the other members' sessions get ``updateChatUserTyping`` / ``updateChannelUserTyping``.
- toggleNoForwards: the creator protects the chat's content (CHAT_ADMIN_REQUIRED for others, CHAT_NOT_MODIFIED):
  none of its messages may be forwarded then (``messages.forward_messages``: CHAT_FORWARDS_RESTRICTED).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channel_changes import ChannelChanges
from tgfleet.sandbox.channels import CHANNEL_ZERO, Channel
from tgfleet.sandbox.chat_views import chats_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.group_changes import GroupChanges
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import chat_of, input_channel, member_of
from tgfleet.sandbox.views import peer_user
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_IDS = 100


def group_changes(world: World, ctx: CallContext) -> GroupChanges:
    return GroupChanges(world.accounts, world.pusher, world.clock(), ctx.auth_key_id)


def channel_changes(world: World, ctx: CallContext) -> ChannelChanges:
    return ChannelChanges(world.accounts, world.channels, world.pusher, world.clock(), ctx.auth_key_id)


def chat_message(viewer: Account, chat: BasicGroup | Channel, message_id: int) -> SandboxMessage:
    """The message ``message_id`` of the group (the viewer's copy) or channel, or MESSAGE_ID_INVALID."""
    if isinstance(chat, Channel):
        member_of(chat, viewer)
        message = chat.box.get(message_id)
    else:
        message = viewer.mailbox.get(message_id)
        if viewer.id not in chat.members or (message is not None and message.peer_id != chat.marked_id):
            message = None
    if message is None:
        raise errors.MessageIdInvalid()
    return message


def may_edit(chat: BasicGroup | Channel, viewer: Account, message: SandboxMessage) -> bool:
    """MESSAGE_AUTHOR_REQUIRED unless the viewer may edit ``message``; whether the 48 h limit binds him."""
    admin_edits = isinstance(chat, Channel) and not chat.megagroup and chat.can(viewer.id, "edit_messages")
    if message.sender_id != viewer.id and not admin_edits:
        raise errors.MessageAuthorRequired()
    return not admin_edits


def edit(world: World, ctx: CallContext, viewer: Account, chat: BasicGroup | Channel, message: SandboxMessage,
         text: str, entities: tuple[object, ...]) -> types.Updates:  # fmt: skip
    if isinstance(chat, Channel):
        return channel_changes(world, ctx).edit(chat, viewer.id, message, text, entities)
    return group_changes(world, ctx).edit(chat, viewer, message.id, text, entities)


def group_revokes(world: World, viewer: Account, ids: list[int], *, revoke: bool) -> list[tuple[BasicGroup, list[int]]]:
    """The caller's group messages among ``ids`` whose members' copies go too, by group (``revoke`` only);
    MESSAGE_DELETE_FORBIDDEN for another's message unless the caller is an admin of its group."""
    found: dict[int, tuple[BasicGroup, list[int]]] = {}
    for message_id in ids if revoke else ():
        message = viewer.mailbox.get(message_id)
        if message is None or not CHANNEL_ZERO < message.peer_id < 0:
            continue
        group = world.groups.get(-message.peer_id)
        if group is None:
            continue
        if message.sender_id != viewer.id and not group.is_admin(viewer.id):
            raise errors.MessageDeleteForbidden()
        found.setdefault(group.id, (group, []))[1].append(message_id)
    return list(found.values())


async def delete_channel_messages(
    world: World, ctx: CallContext, request: f_channels.DeleteMessages
) -> t_messages.AffectedMessages:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    member_of(channel, viewer)
    if not request.id:
        raise errors.MessageIdsEmpty()
    if len(request.id) > MAX_IDS:
        raise errors.LimitInvalid()
    found = [m for i in request.id if (m := channel.box.get(i)) is not None]
    if any(m.sender_id != viewer.id for m in found) and not channel.can(viewer.id, "delete_messages"):
        raise errors.MessageDeleteForbidden()
    pts, count = channel_changes(world, ctx).delete(channel, viewer.id, [m.id for m in found])
    return t_messages.AffectedMessages(pts=pts, pts_count=count)


def read(world: World, ctx: CallContext, viewer: Account, chat: BasicGroup | Channel, max_id: int) -> tuple[int, int]:
    """Mark the chat read; ``(pts, pts_count)`` of the reader's box, or of the channel's (a read mark moves none:
    the answer is in the sequence of the chat it was aimed at, as the client takes it)."""
    viewer.marks.read(chat.marked_id)  # reading clears the dialog's unread mark (dialog_marks.py)
    if isinstance(chat, BasicGroup):
        return group_changes(world, ctx).read(chat, viewer, max_id)
    member_of(chat, viewer)
    channel_changes(world, ctx).read(chat, viewer.id, max_id)
    return chat.box.pts, 0


async def read_channel_history(world: World, ctx: CallContext, request: f_channels.ReadHistory) -> bool:
    viewer = world.authorized(ctx)
    read(world, ctx, viewer, input_channel(world, viewer, request.channel), request.max_id)
    return True


def read_channel_contents(
    world: World, ctx: CallContext, viewer: Account, channel: Channel, message_ids: Sequence[int]
) -> None:
    """The viewer's mentions and voice messages among ``message_ids`` read (``channel_changes.read_contents``); a
    public channel's visitor who is no member has none."""
    if viewer.id in channel.members:
        channel_changes(world, ctx).read_contents(channel, viewer.id, message_ids)


async def read_message_contents(world: World, ctx: CallContext, request: f_channels.ReadMessageContents) -> bool:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    ids = list(dict.fromkeys(request.id))
    if not ids:
        raise errors.MessageIdsEmpty()
    if len(ids) > MAX_IDS:
        raise errors.LimitInvalid()
    read_channel_contents(world, ctx, viewer, channel, ids)
    return True


def read_mentions(world: World, ctx: CallContext, viewer: Account, channel: Channel) -> t_messages.AffectedHistory:
    """Every unread mention of the viewer in a supergroup read: the channel's pts, no pts event."""
    read_channel_contents(world, ctx, viewer, channel, channel.unread_mentions(viewer.id))
    return t_messages.AffectedHistory(pts=channel.box.pts, pts_count=0, offset=0)


def pin(
    world: World, ctx: CallContext, viewer: Account, chat: BasicGroup | Channel, request: f_messages.UpdatePinnedMessage
) -> types.Updates:
    message = chat_message(viewer, chat, request.id)
    if isinstance(chat, BasicGroup):
        return group_changes(world, ctx).pin(chat, viewer, message.id, pin=not request.unpin)
    admin = chat.can(viewer.id, "pin_messages")
    if not admin and (not chat.megagroup or chat.rights_of(viewer.id) or chat.restricted(viewer.id, "pin_messages")):
        raise errors.ChatAdminRequired()
    return channel_changes(world, ctx).pin(chat, viewer.id, message.id, pin=not request.unpin)


def typing(world: World, viewer: Account, chat: BasicGroup | Channel, action: types.TypeSendMessageAction) -> None:
    """Show the other members that the viewer is typing (or sending something else)."""
    update: types.TypeUpdate
    if isinstance(chat, Channel):
        member_of(chat, viewer)
        update = types.UpdateChannelUserTyping(channel_id=chat.id, from_id=peer_user(viewer.id), action=action)
    else:
        if viewer.id not in chat.members:
            raise errors.ChatWriteForbidden403()
        update = types.UpdateChatUserTyping(chat_id=chat.id, from_id=peer_user(viewer.id), action=action)
    for member_id in chat.members:
        if member_id != viewer.id:
            world.pusher.push(member_id, types.UpdateShort(update=update, date=int(world.clock())))


async def toggle_no_forwards(world: World, ctx: CallContext, request: f_messages.ToggleNoForwards) -> types.Updates:
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    if chat is None:
        raise errors.PeerIdInvalid()  # private chats: not modelled
    if chat.creator_id != viewer.id:
        raise errors.ChatAdminRequired()
    if chat.noforwards == request.enabled:
        raise errors.ChatNotModified()
    chat.noforwards = request.enabled
    update: types.TypeUpdate = (
        types.UpdateChannel(channel_id=chat.id) if isinstance(chat, Channel) else types.UpdateChat(chat_id=chat.id)
    )
    return types.Updates(
        updates=[update], users=[], chats=chats_tl(world.groups, world.channels, [chat.marked_id], viewer.id),
        date=int(world.clock()), seq=0,
    )  # fmt: skip


HANDLERS: dict[type, ServiceFn] = {
    f_messages.ToggleNoForwards: toggle_no_forwards,
    f_channels.DeleteMessages: delete_channel_messages,
    f_channels.ReadHistory: read_channel_history,
    f_channels.ReadMessageContents: read_message_contents,
}
