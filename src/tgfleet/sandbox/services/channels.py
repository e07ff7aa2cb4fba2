"""Channels and supergroups: ``channels.createChannel``, ``getChannels``, ``getFullChannel``, ``inviteToChannel``,
``joinChannel``, ``leaveChannel``, ``editTitle``, ``deleteChannel``, ``toggleSlowMode``, ``updateUsername``,
``checkUsername`` (https://core.telegram.org/api/channel; resolving and access errors: ``chat_peers.py``).

- createChannel: a supergroup with ``megagroup``, else a broadcast channel; CHAT_TITLE_EMPTY,
  CHAT_ABOUT_TOO_LONG, CHANNELS_TOO_MUCH for one in ``MAX_JOINED`` channels already (joining too; an invitee:
  USER_CHANNELS_TOO_MUCH); its box opens with ``messageActionChannelCreate``.
- inviteToChannel: in a broadcast channel only admins with ``invite_users`` may add (CHAT_ADMIN_REQUIRED), in a
  supergroup every member not restricted from it; users already in are skipped, those whose privacy forbids it
  left out (``chat_peers.invitable``: USER_PRIVACY_RESTRICTED when no one is left); a banned user is let back in by
  an admin with ``ban_users``, else USER_KICKED. joinChannel: a public channel (or one the caller may see);
  USER_ALREADY_PARTICIPANT; banned users get CHANNEL_PRIVATE. leaveChannel: USER_CREATOR for the creator,
  USER_NOT_PARTICIPANT. Supergroups post the join and leave service messages; broadcast channels do not.
- getFullChannel: the channel's counters; an admin with ``invite_users`` (and the creator) also sees his permanent
  link and the join requests waiting (``requests_pending``, the newest ``recent_requesters``), the others neither.
- editTitle (``change_info``), deleteChannel (the creator), toggleSlowMode (``ban_users``, supergroups only;
  SECONDS_INVALID outside ``SLOWMODE_SECONDS``), updateUsername (``change_info``; USERNAME_INVALID,
  USERNAME_OCCUPIED, USERNAME_NOT_MODIFIED; "" makes it private): CHAT_ADMIN_REQUIRED otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account, valid_username
from tgfleet.sandbox.channels import CHANNEL_ZERO, SLOWMODE_SECONDS, Channel
from tgfleet.sandbox.chat_views import channel_tl, chats_tl, invite_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.photos import full_photo_tl
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import admin_with, input_channel, invitable, invitee, member_of, posts
from tgfleet.sandbox.services.groups import MAX_ABOUT, checked_title
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_MEMBERS = 200_000
MAX_JOINED = 500
"""Channels and supergroups one account may be in (``channels_limit_default``): CHANNELS_TOO_MUCH past it."""


def _room_for(world: World, user: Account, error: type[errors.RPCError]) -> None:
    """``error`` when ``user`` is in ``MAX_JOINED`` channels already."""
    if len(world.channels.of_member(user.id)) >= MAX_JOINED:
        raise error()


def channel_updates(world: World, channel: Channel, viewer: Account, *extra: types.TypeUpdate) -> types.Updates:
    """``updates`` with ``updateChannel`` (the channel changed: fetch it again) and ``extra``, for ``viewer``."""
    chats: list[types.TypeChat] = [channel_tl(world.channels, channel, viewer.id)]
    users = users_tl(world.accounts, [viewer.id], viewer.id, world.clock())
    updates = [types.UpdateChannel(channel_id=channel.id), *extra]
    return types.Updates(updates=updates, users=users, chats=chats, date=int(world.clock()), seq=0)


def post_service(
    world: World, ctx: CallContext | None, channel: Channel, sender: Account, action: object
) -> types.Updates:
    """Post a service message to the channel; the caller's ``updates`` with it (``ctx`` None: a message the caller
    did not post himself, which all his sessions get)."""
    sent = posts(world, ctx)
    message = sent.to_channel(channel, sender, action=action)
    return sent.channel_updates(channel, message, sender.id)


def notify_members(world: World, channel: Channel, ctx: CallContext) -> None:
    """Tell every member's other sessions that the channel changed (``updateChannel``)."""
    for member_id in channel.members:
        member = world.accounts[member_id]
        world.pusher.push(member_id, channel_updates(world, channel, member), except_auth_key_id=ctx.auth_key_id)


async def create_channel(world: World, ctx: CallContext, request: f_channels.CreateChannel) -> types.TypeUpdates:
    creator = world.authorized(ctx)
    title = checked_title(request.title)
    if len(request.about) > MAX_ABOUT:
        raise errors.ChatAboutTooLong()
    _room_for(world, creator, errors.ChannelsTooMuch)
    channel = world.channels.create(
        title, request.about, megagroup=bool(request.megagroup), creator_id=creator.id, date=int(world.clock())
    )
    return post_service(world, ctx, channel, creator, types.MessageActionChannelCreate(title=title))


async def get_channels(world: World, ctx: CallContext, request: f_channels.GetChannels) -> t_messages.Chats:
    viewer = world.authorized(ctx)
    found: list[types.TypeChat] = []
    for wanted in request.id:
        channel = world.channels.get(getattr(wanted, "channel_id", 0))
        if channel is None or world.channels.hash_for(viewer.id, channel.id) != getattr(wanted, "access_hash", 0):
            raise errors.ChannelInvalid()
        found.append(channel_tl(world.channels, channel, viewer.id))
    return t_messages.Chats(chats=found)


async def get_full_channel(world: World, ctx: CallContext, request: f_channels.GetFullChannel) -> t_messages.ChatFull:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    member = channel.members.get(viewer.id)
    now = world.clock()
    invite, waiting, recent = None, 0, list[int]()
    if channel.can(viewer.id, "invite_users"):  # who may approve sees the join requests (join_requests.py)
        invite = invite_tl(world.invites.permanent(channel.marked_id, viewer.id, int(now)))
        waiting, recent = world.join_requests.summary(channel.marked_id)
    read = 0 if member is None else member.read_inbox_max_id
    history = channel.box.history(channel.marked_id)
    admin = channel.rights_of(viewer.id) is not None
    admins = sum(1 for m in channel.members if channel.rights_of(m) is not None)
    wait = 0 if member is None or admin else int(member.last_sent + channel.slowmode_seconds)
    full = types.ChannelFull(
        can_view_participants=channel.megagroup or admin, id=channel.id, about=channel.about,
        participants_count=len(channel.members), admins_count=admins,
        kicked_count=sum(1 for b in channel.bans.values() if b.rights.view_messages),
        banned_count=sum(1 for b in channel.bans.values() if not b.rights.view_messages),
        read_inbox_max_id=read, read_outbox_max_id=read,
        unread_count=sum(1 for m in history if m.id > read and m.sender_id != viewer.id),
        chat_photo=full_photo_tl(channel.photo, world.files.reference),
        notify_settings=types.PeerNotifySettings(), exported_invite=invite,
        bot_info=[], slowmode_seconds=channel.slowmode_seconds or None,
        slowmode_next_send_date=wait if channel.slowmode_seconds and wait > now else None, pts=channel.box.pts,
        linked_chat_id=channel.linked_id, requests_pending=waiting or None, recent_requesters=recent or None,
    )  # fmt: skip
    users = users_tl(world.accounts, [viewer.id, *recent], viewer.id, now)
    linked = [] if channel.linked_id is None else [CHANNEL_ZERO - channel.linked_id]
    chats = chats_tl(world.groups, world.channels, [channel.marked_id, *linked], viewer.id)
    return t_messages.ChatFull(full_chat=full, chats=chats, users=users)


def _may_invite(channel: Channel, viewer: Account) -> None:
    member_of(channel, viewer)
    if channel.megagroup and not channel.restricted(viewer.id, "invite_users"):
        return
    admin_with(channel, viewer, "invite_users")


async def invite_to_channel(
    world: World, ctx: CallContext, request: f_channels.InviteToChannel
) -> t_messages.InvitedUsers:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    _may_invite(channel, viewer)
    users = {u.id: u for u in (invitee(world, viewer, user) for user in request.users)}
    new, missing = invitable(viewer, [u for u in users.values() if u.id not in channel.members])
    for user in new:
        _room_for(world, user, errors.UserChannelsTooMuch)
        if channel.banned(user.id):
            if not channel.can(viewer.id, "ban_users"):
                raise errors.UserKicked()
            del channel.bans[user.id]
    if len(channel.members) + len(new) > MAX_MEMBERS:
        raise errors.UsersTooMuch()
    now = int(world.clock())
    for user in new:
        channel.join(user.id, viewer.id, now)
    if new and channel.megagroup:
        updates = post_service(world, ctx, channel, viewer, types.MessageActionChatAddUser(users=[u.id for u in new]))
    else:
        updates = channel_updates(world, channel, viewer)
    for user in new:
        world.pusher.push(user.id, channel_updates(world, channel, user))
    return t_messages.InvitedUsers(updates=updates, missing_invitees=missing)


async def join_channel(
    world: World, ctx: CallContext, request: f_channels.JoinChannel
) -> t_messages.ChatInviteJoinResultOk:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    return t_messages.ChatInviteJoinResultOk(updates=join(world, ctx, channel, viewer, inviter_id=viewer.id))


def join(
    world: World, ctx: CallContext | None, channel: Channel, viewer: Account, *, inviter_id: int,
    action: object = None, too_many: type[errors.RPCError] = errors.ChannelsTooMuch,
) -> types.Updates:  # fmt: skip
    """``viewer`` joins (USER_ALREADY_PARTICIPANT, CHANNEL_PRIVATE when banned, ``too_many`` when he is in too many
    channels); his ``updates``. A supergroup posts ``action`` (``messageActionChatAddUser`` by default) from him;
    ``ctx`` None: someone else let him in (an approved join request), and all his sessions get the news."""
    if viewer.id in channel.members:
        raise errors.UserAlreadyParticipant()
    if channel.banned(viewer.id):
        raise errors.ChannelPrivate()
    if len(channel.members) >= MAX_MEMBERS:
        raise errors.UsersTooMuch()
    _room_for(world, viewer, too_many)
    channel.join(viewer.id, inviter_id, int(world.clock()))
    if channel.megagroup:
        said = types.MessageActionChatAddUser(users=[viewer.id]) if action is None else action
        return post_service(world, ctx, channel, viewer, said)
    updates = channel_updates(world, channel, viewer)
    if ctx is None:
        world.pusher.push(viewer.id, updates)
    return updates


async def leave_channel(world: World, ctx: CallContext, request: f_channels.LeaveChannel) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    member_of(channel, viewer)
    if viewer.id == channel.creator_id:
        raise errors.UserCreator()
    if channel.megagroup:
        post_service(world, ctx, channel, viewer, types.MessageActionChatDeleteUser(user_id=viewer.id))
    del channel.members[viewer.id]
    return channel_updates(world, channel, viewer)


async def edit_title(world: World, ctx: CallContext, request: f_channels.EditTitle) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "change_info")
    title = checked_title(request.title)
    if title == channel.title:
        raise errors.ChatNotModified()
    channel.title = title
    return post_service(world, ctx, channel, viewer, types.MessageActionChatEditTitle(title=title))


async def delete_channel(world: World, ctx: CallContext, request: f_channels.DeleteChannel) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    if viewer.id != channel.creator_id:
        raise errors.ChatAdminRequired()
    world.channels.delete(channel)
    world.join_requests.forget_chat(channel.marked_id)
    members, channel.members = channel.members, {}
    for member_id in members:  # they see it gone (channelForbidden-like: no longer a member)
        if member_id != viewer.id:
            world.pusher.push(member_id, channel_updates(world, channel, world.accounts[member_id]))
    return channel_updates(world, channel, viewer)


async def toggle_slow_mode(world: World, ctx: CallContext, request: f_channels.ToggleSlowMode) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "ban_users")
    if not channel.megagroup:
        raise errors.ChannelInvalid()
    if request.seconds not in SLOWMODE_SECONDS:
        raise errors.SecondsInvalid()
    if request.seconds == channel.slowmode_seconds:
        raise errors.ChatNotModified()
    channel.slowmode_seconds = request.seconds
    notify_members(world, channel, ctx)
    return channel_updates(world, channel, viewer)


def _username(world: World, channel: Channel, username: str) -> str | None:
    """The checked new username (None: none); USERNAME_INVALID, USERNAME_OCCUPIED."""
    if not username:
        return None
    if not valid_username(username):
        raise errors.UsernameInvalid()
    if _taken(world, channel, username):
        raise errors.UsernameOccupied()
    return username


def _taken(world: World, channel: Channel | None, username: str) -> bool:
    """Whether a user or another channel has ``username``."""
    owner = world.channels.by_username(username)
    return world.accounts.by_username(username) is not None or (owner is not None and owner is not channel)


async def update_username(world: World, ctx: CallContext, request: f_channels.UpdateUsername) -> bool:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "change_info")
    username = _username(world, channel, request.username)
    if username == channel.username:
        raise errors.UsernameNotModified()
    world.channels.set_username(channel, username)
    notify_members(world, channel, ctx)
    return True


async def check_username(world: World, ctx: CallContext, request: f_channels.CheckUsername) -> bool:
    viewer = world.authorized(ctx)
    if isinstance(request.channel, types.InputChannelEmpty):
        channel = None
    else:
        channel = input_channel(world, viewer, request.channel)
    if not valid_username(request.username):
        raise errors.UsernameInvalid()
    return not _taken(world, channel, request.username)


HANDLERS: dict[type, ServiceFn] = {
    f_channels.CreateChannel: create_channel,
    f_channels.GetChannels: get_channels,
    f_channels.GetFullChannel: get_full_channel,
    f_channels.InviteToChannel: invite_to_channel,
    f_channels.JoinChannel: join_channel,
    f_channels.LeaveChannel: leave_channel,
    f_channels.EditTitle: edit_title,
    f_channels.DeleteChannel: delete_channel,
    f_channels.ToggleSlowMode: toggle_slow_mode,
    f_channels.UpdateUsername: update_username,
    f_channels.CheckUsername: check_username,
}
