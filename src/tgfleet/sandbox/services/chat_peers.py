"""Resolving groups and channels for a viewer (``InputPeerChat``, ``InputChannel``, ``InputPeerChannel``), with
Telegram's errors (https://core.telegram.org/api/channel):

- a basic group id that does not exist: CHAT_ID_INVALID (PEER_ID_INVALID as an ``InputPeer``);
- a channel id or access hash that is not the viewer's: CHANNEL_INVALID;
- a channel the viewer is banned from (until its ``until_date``: each use of the channel ends the bans past it),
  or a private one (no username) he is no member of: CHANNEL_PRIVATE;
- a user whose privacy does not let the caller add him to chats: left out (``missingInvitee``), or
  USER_PRIVACY_RESTRICTED when no one else is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import CHANNEL_ZERO, Channel
from tgfleet.sandbox.chat_posts import ChatPosts
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.services.peers import input_user
from tgfleet.sandbox.views import visible
from tgfleet.tl import types

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def input_group(world: World, chat_id: int) -> BasicGroup:
    group = world.groups.get(chat_id)
    if group is None or group.deactivated:
        raise errors.ChatIdInvalid()
    return group


def input_channel(world: World, viewer: Account, channel: object) -> Channel:
    """The channel of an ``inputChannel`` / ``inputPeerChannel`` the viewer may see (see above)."""
    if not isinstance(channel, types.InputChannel | types.InputPeerChannel):
        raise errors.ChannelInvalid()
    found = world.channels.get(channel.channel_id)
    if found is None or world.channels.hash_for(viewer.id, found.id) != channel.access_hash:
        raise errors.ChannelInvalid()
    found.lift_ended_bans(world.clock())
    if found.banned(viewer.id) or (viewer.id not in found.members and found.username is None):
        raise errors.ChannelPrivate()
    return found


def chat_of(world: World, viewer: Account, peer: types.TypeInputPeer) -> BasicGroup | Channel | None:
    """The group or channel ``peer`` names, None for a user (PEER_ID_INVALID for an unknown basic group)."""
    if isinstance(peer, types.InputPeerChat):
        group = world.groups.get(peer.chat_id)
        if group is None:
            raise errors.PeerIdInvalid()
        return group
    if isinstance(peer, types.InputPeerChannel):
        return input_channel(world, viewer, peer)
    return None


def member_of(channel: Channel, viewer: Account) -> None:
    """USER_NOT_PARTICIPANT unless the viewer is a member."""
    if viewer.id not in channel.members:
        raise errors.UserNotParticipant()


def admin_with(channel: Channel, viewer: Account, right: str) -> None:
    """CHAT_ADMIN_REQUIRED unless the viewer is the creator or an admin with ``right``."""
    if not channel.can(viewer.id, right):
        raise errors.ChatAdminRequired()


def invite_admin_chat(world: World, viewer: Account, peer: types.TypeInputPeer) -> BasicGroup | Channel:
    """The group or channel ``peer`` names whose invite links and join requests the viewer manages: a basic
    group's admin, a channel's admin with ``invite_users`` (CHAT_ADMIN_REQUIRED; PEER_ID_INVALID for a user)."""
    chat = chat_of(world, viewer, peer)
    if chat is None:
        raise errors.PeerIdInvalid()
    if isinstance(chat, BasicGroup):
        if not chat.is_admin(viewer.id):
            raise errors.ChatAdminRequired()
    else:
        admin_with(chat, viewer, "invite_users")
    return chat


def posts(world: World, ctx: CallContext | None) -> ChatPosts:
    """The world's sends into groups and channels for this call (its caller's session gets its own answer; None: the
    sandbox's own send, a scheduled post falling due, which every session of the sender gets)."""
    return ChatPosts(
        world.accounts, world.channels, world.pusher, world.clock(), None if ctx is None else ctx.auth_key_id
    )


def invitee(world: World, viewer: Account, user: types.TypeInputUser) -> Account:
    """A user to add to a chat: USER_ID_INVALID (unknown, wrong hash), INPUT_USER_DEACTIVATED (deleted)."""
    account = input_user(world, viewer, user)
    if account is None:
        raise errors.UserIdInvalid()
    if account.deleted:
        raise errors.InputUserDeactivated()
    return account


def invitable(inviter: Account, users: list[Account]) -> tuple[list[Account], list[types.MissingInvitee]]:
    """Those of ``users`` whose "who can add me to chats" privacy (``privacyKeyChatInvite``, ``privacy.py``) lets
    ``inviter`` add them, and the others as ``missingInvitee``; USER_PRIVACY_RESTRICTED when that is all of them."""
    allowed = [u for u in users if u is inviter or visible(u, inviter.id, types.PrivacyKeyChatInvite)]
    if users and not allowed:
        raise errors.UserPrivacyRestricted()
    missing = [types.MissingInvitee(user_id=u.id) for u in users if u not in allowed]
    return allowed, missing


def chat_by_marked_id(world: World, marked_id: int) -> BasicGroup | Channel | None:
    """The live group or channel of a marked id (``-chat_id``, ``-100...``)."""
    if marked_id < CHANNEL_ZERO:
        return world.channels.get(CHANNEL_ZERO - marked_id)
    group = world.groups.get(-marked_id)
    return None if group is None or group.deactivated else group
