"""Members of channels and supergroups: ``channels.getParticipants``, ``getParticipant``, ``editBanned``,
``editAdmin`` (https://core.telegram.org/method/channels.getParticipants, https://core.telegram.org/api/rights).

- getParticipants: filters recent (every member, the latest to join first), admins, kicked (banned), banned
  (restricted), search (a name or username containing ``q``), bots (the members that are bots); ``offset``
  and ``limit`` (at most 200) page them, ``count`` is the total; in a broadcast channel only admins may list
  (CHAT_ADMIN_REQUIRED). getParticipant: USER_NOT_PARTICIPANT for someone neither member nor banned.
- editBanned (``ban_users``): ``view_messages`` bans (removes him; a supergroup posts the removal), other rights
  restrict, no rights lift the ban; USER_CREATOR for the creator, USER_ADMIN_INVALID for an admin the caller
  did not promote. ``until_date`` is kept and shown; the ban ends then (by the world's clock, ``channels.Ban.ended``).
- editAdmin (``add_admins``): rights the caller has not got himself are RIGHT_FORBIDDEN, USER_CREATOR for the
  creator, USER_NOT_PARTICIPANT for a non-member, ADMIN_RANK_INVALID for a title over 16 characters; no rights
  demote him.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import FULL_RIGHTS, Ban, Channel
from tgfleet.sandbox.chat_views import channel_participant_tl, channel_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.channels import channel_updates, post_service
from tgfleet.sandbox.services.chat_peers import admin_with, input_channel, invitee
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.types import channels as t_channels

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_LIMIT = 200
MAX_RANK = 16
_RIGHTS = tuple(name for name in FULL_RIGHTS.__slots__ if getattr(FULL_RIGHTS, name) is True)


def _matches(world: World, user_id: int, query: str) -> bool:
    account = world.accounts[user_id]
    names = (account.first_name, account.last_name, account.username or "")
    return not query or any(query.casefold() in n.casefold() for n in names)


def _selected(world: World, channel: Channel, wanted: types.TypeChannelParticipantsFilter) -> list[int]:
    newest_first = sorted(channel.members.values(), key=lambda m: (-m.date, m.user_id))
    query = getattr(wanted, "q", "") or ""
    if isinstance(wanted, types.ChannelParticipantsAdmins):
        return [m.user_id for m in newest_first if channel.rights_of(m.user_id) is not None]
    if isinstance(wanted, types.ChannelParticipantsKicked | types.ChannelParticipantsBanned):
        kicked = isinstance(wanted, types.ChannelParticipantsKicked)
        ids = [u for u, ban in channel.bans.items() if ban.rights.view_messages == kicked]
        return [u for u in ids if _matches(world, u, query)]
    if isinstance(wanted, types.ChannelParticipantsBots):
        return [m.user_id for m in newest_first if world.accounts[m.user_id].bot]
    return [m.user_id for m in newest_first if _matches(world, m.user_id, query)]


async def get_participants(
    world: World, ctx: CallContext, request: f_channels.GetParticipants
) -> t_channels.ChannelParticipants:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    if not channel.megagroup and channel.rights_of(viewer.id) is None:
        raise errors.ChatAdminRequired()  # a broadcast channel's members are listed to its admins only
    ids = _selected(world, channel, request.filter)
    page = ids[max(request.offset, 0) :][: min(max(request.limit, 0), MAX_LIMIT)]
    participants = [channel_participant_tl(channel, u, viewer.id) for u in page]
    return t_channels.ChannelParticipants(
        count=len(ids),
        participants=participants,
        chats=[channel_tl(world.channels, channel, viewer.id)],
        users=users_tl(world.accounts, _named(participants), viewer.id, world.clock()),
    )


async def get_participant(
    world: World, ctx: CallContext, request: f_channels.GetParticipant
) -> t_channels.ChannelParticipant:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    user = input_peer(world, viewer, request.participant)
    if user.id not in channel.members and user.id not in channel.bans:
        raise errors.UserNotParticipant()
    participant = channel_participant_tl(channel, user.id, viewer.id)
    return t_channels.ChannelParticipant(
        participant=participant,
        chats=[channel_tl(world.channels, channel, viewer.id)],
        users=users_tl(world.accounts, [*_named([participant]), viewer.id], viewer.id, world.clock()),
    )


def _named(participants: list[types.TypeChannelParticipant]) -> list[int]:
    """Every user the participants name: themselves, who invited, promoted or banned them (Telegram sends them all
    in ``users``: clients look the inviter up there, Kurigram's ``get_chat_member`` among them)."""
    ids: list[int] = []
    for participant in participants:
        for name in ("user_id", "inviter_id", "promoted_by", "kicked_by"):
            if isinstance(value := getattr(participant, name, None), int):
                ids.append(value)
        if isinstance(peer := getattr(participant, "peer", None), types.PeerUser):
            ids.append(peer.user_id)
    return ids


def _editable(channel: Channel, viewer: Account, target: Account) -> None:
    """USER_CREATOR for the creator, USER_ADMIN_INVALID for an admin the caller did not promote."""
    if target.id == channel.creator_id:
        raise errors.UserCreator()
    member = channel.members.get(target.id)
    promoted = member is not None and member.admin_rights is not None
    if promoted and viewer.id != channel.creator_id and member is not None and member.promoted_by != viewer.id:
        raise errors.UserAdminInvalid()


async def edit_banned(world: World, ctx: CallContext, request: f_channels.EditBanned) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "ban_users")
    target = input_peer(world, viewer, request.participant)
    _editable(channel, viewer, target)
    rights = request.banned_rights
    restricts = any(getattr(rights, name) is True for name in rights.__slots__)
    if not restricts:
        channel.bans.pop(target.id, None)
        return channel_updates(world, channel, viewer)
    channel.bans[target.id] = Ban(rights, viewer.id, int(world.clock()))
    member = channel.members.get(target.id)
    if member is not None:
        member.admin_rights = None
    if rights.view_messages and member is not None:
        updates = channel_updates(world, channel, viewer)
        if channel.megagroup:
            updates = post_service(world, ctx, channel, viewer, types.MessageActionChatDeleteUser(user_id=target.id))
        del channel.members[target.id]
        world.pusher.push(target.id, channel_updates(world, channel, target))
        return updates
    return channel_updates(world, channel, viewer)


async def edit_admin(world: World, ctx: CallContext, request: f_channels.EditAdmin) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "add_admins")
    target = invitee(world, viewer, request.user_id)
    _editable(channel, viewer, target)
    member = channel.members.get(target.id)
    if member is None:
        raise errors.UserNotParticipant()
    rights = request.admin_rights
    granted = [name for name in _RIGHTS if getattr(rights, name) is True]
    if any(not channel.can(viewer.id, name) for name in granted):
        raise errors.RightForbidden()
    if request.rank is not None and len(request.rank) > MAX_RANK:
        raise errors.AdminRankInvalid()
    member.admin_rights = rights if granted else None
    member.promoted_by = viewer.id if granted else 0
    member.rank = request.rank if granted else None
    world.pusher.push(target.id, channel_updates(world, channel, target))
    return channel_updates(world, channel, viewer)


HANDLERS: dict[type, ServiceFn] = {
    f_channels.GetParticipants: get_participants,
    f_channels.GetParticipant: get_participant,
    f_channels.EditBanned: edit_banned,
    f_channels.EditAdmin: edit_admin,
}
