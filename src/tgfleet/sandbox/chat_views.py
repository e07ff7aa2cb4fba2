"""Groups and channels as one viewer sees them, in the constructors Telegram sends (``chat``, ``channel``,
their participants, a channel's messages, invite links); the users' and private chats' views are ``views.py``.

A ``channel`` carries the access hash *of that viewer*, his own admin or banned rights and ``left`` when he is
no member; a user banned from it sees ``channelForbidden``, one no longer in a basic group ``chatForbidden``.
A channel's message is ``out`` for its sender; a supergroup's messages name their sender, a broadcast
channel's are posts (``post``, no ``from_id``, with their ``views`` and ``forwards``); a supergroup's message is
``mentioned`` / ``media_unread`` as the viewer's own marks say (``channels.ChannelMember``). A post with a
discussion thread, and its automatic forward, carry the thread's ``replies`` (``threads.py``); a comment's reply
header names its thread's top (``reply_to_top_id``).
"""

from __future__ import annotations

from collections.abc import Iterable

from tgfleet.sandbox.channels import CHANNEL_ZERO, Channel, Channels
from tgfleet.sandbox.groups import BasicGroup, Groups
from tgfleet.sandbox.invites import Invite
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.photos import chat_photo_tl
from tgfleet.sandbox.views import forward_tl, peer_of, peer_user
from tgfleet.tl import types

DEFAULT_RIGHTS = types.ChatBannedRights(until_date=0)
"""What members of a new group may do: everything (no default restrictions)."""


def group_tl(group: BasicGroup, viewer_id: int) -> types.Chat | types.ChatForbidden:
    if viewer_id not in group.members:
        return types.ChatForbidden(id=group.id, title=group.title)
    return types.Chat(
        creator=group.creator_id == viewer_id,
        deactivated=group.deactivated,
        noforwards=group.noforwards,
        id=group.id,
        title=group.title,
        photo=chat_photo_tl(group.photo),
        participants_count=len(group.members),
        date=group.date,
        version=group.version,
        admin_rights=types.ChatAdminRights(other=True) if group.is_admin(viewer_id) else None,
        default_banned_rights=DEFAULT_RIGHTS,
    )


def channel_tl(channels: Channels, channel: Channel, viewer_id: int) -> types.Channel | types.ChannelForbidden:
    access_hash = channels.hash_for(viewer_id, channel.id)
    if channel.banned(viewer_id):
        return types.ChannelForbidden(
            broadcast=not channel.megagroup, megagroup=channel.megagroup, id=channel.id, access_hash=access_hash,
            title=channel.title,
        )  # fmt: skip
    ban = channel.bans.get(viewer_id)
    return types.Channel(
        creator=channel.creator_id == viewer_id,
        left=viewer_id not in channel.members,
        broadcast=not channel.megagroup,
        megagroup=channel.megagroup,
        slowmode_enabled=channel.slowmode_seconds > 0,
        noforwards=channel.noforwards,
        id=channel.id,
        access_hash=access_hash,
        title=channel.title,
        username=channel.username,
        photo=chat_photo_tl(channel.photo),
        date=channel.date,
        admin_rights=channel.rights_of(viewer_id),
        banned_rights=None if ban is None else ban.rights,
        default_banned_rights=DEFAULT_RIGHTS if channel.megagroup else None,
        participants_count=len(channel.members),
    )


def chats_tl(groups: Groups, channels: Channels, marked_ids: Iterable[int], viewer_id: int) -> list[types.TypeChat]:
    """The ``chat`` / ``channel`` objects of the given marked ids (each once; users' ids are skipped)."""
    found: list[types.TypeChat] = []
    for marked in dict.fromkeys(marked_ids):
        if marked >= 0:
            continue
        channel = channels.get(CHANNEL_ZERO - marked) if marked < CHANNEL_ZERO else None
        group = groups.get(-marked) if marked > CHANNEL_ZERO else None
        if channel is not None:
            found.append(channel_tl(channels, channel, viewer_id))
        elif group is not None:
            found.append(group_tl(group, viewer_id))
    return found


def origins(messages: Iterable[SandboxMessage]) -> list[int]:
    """The marked ids of the chats ``messages`` were forwarded from (a channel's posts in its discussion group)."""
    return [m.forward.peer_id for m in messages if m.forward is not None and m.forward.peer_id < 0]


def channel_message_tl(channel: Channel, message: SandboxMessage, viewer_id: int) -> types.TypeMessage:
    """A message of the channel's box as ``viewer_id`` sees it (a post's automatic forward: as from the channel)."""
    automatic = message.forward is not None and message.forward.automatic
    out = message.sender_id == viewer_id and not automatic
    from_id: types.TypePeer | None = peer_user(message.sender_id) if channel.megagroup else None
    if automatic and message.forward is not None:
        from_id = peer_of(message.forward.peer_id)
    peer = types.PeerChannel(channel_id=channel.id)
    if message.action is not None:
        return types.MessageService(
            out=out, post=not channel.megagroup, id=message.id, from_id=from_id, peer_id=peer, date=message.date,
            action=message.action,
        )  # fmt: skip
    reply, forward = message.reply_to, message.forward
    top = channel.thread_of.get(message.id)
    thread = channel.threads.get(message.id)
    member = channel.members.get(viewer_id)
    views, forwards = channel.counters(message.id) or (None, None)
    return types.Message(
        out=out,
        mentioned=member is not None and message.id in member.mentions,
        media_unread=member is not None and message.id in member.unread_contents,
        post=not channel.megagroup,
        silent=message.silent,
        noforwards=message.noforwards,
        id=message.id,
        from_id=from_id,
        peer_id=peer,
        date=message.date,
        message=message.text,
        entities=list(message.entities) or None,
        reply_to=None
        if reply is None
        else types.MessageReplyHeader(
            reply_to_msg_id=reply, reply_to_top_id=top if top is not None and top != reply else None
        ),
        fwd_from=forward_tl(forward),
        views=views,
        forwards=forwards,
        replies=None if thread is None else thread.tl(on_post=not channel.megagroup),
        edit_date=message.edit_date,
        media=None if message.media is None else message.media.tl(),
        grouped_id=message.grouped_id,
    )


def group_participants_tl(group: BasicGroup) -> types.ChatParticipants:
    participants: list[types.TypeChatParticipant] = []
    for member in group.members.values():
        if member.user_id == group.creator_id:
            participants.append(types.ChatParticipantCreator(user_id=member.user_id))
        elif member.admin:
            participants.append(
                types.ChatParticipantAdmin(user_id=member.user_id, inviter_id=member.inviter_id, date=member.date)
            )
        else:
            participants.append(
                types.ChatParticipant(user_id=member.user_id, inviter_id=member.inviter_id, date=member.date)
            )
    return types.ChatParticipants(chat_id=group.id, participants=participants, version=group.version)


def channel_participant_tl(channel: Channel, user_id: int, viewer_id: int) -> types.TypeChannelParticipant:
    """``user_id``'s standing in the channel: creator, admin, banned or restricted, member, or left."""
    ban = channel.bans.get(user_id)
    member = channel.members.get(user_id)
    if ban is not None:
        return types.ChannelParticipantBanned(
            left=member is None, peer=peer_user(user_id), kicked_by=ban.kicked_by, date=ban.date,
            banned_rights=ban.rights,
        )  # fmt: skip
    if member is None:
        return types.ChannelParticipantLeft(peer=peer_user(user_id))
    if user_id == channel.creator_id:
        return types.ChannelParticipantCreator(
            user_id=user_id, admin_rights=channel.rights_of(user_id) or types.ChatAdminRights(), rank=member.rank
        )
    if member.admin_rights is not None:
        return types.ChannelParticipantAdmin(
            can_edit=viewer_id == channel.creator_id or member.promoted_by == viewer_id,
            is_self=user_id == viewer_id, user_id=user_id,
            inviter_id=member.inviter_id if user_id == viewer_id else None, promoted_by=member.promoted_by,
            date=member.date, admin_rights=member.admin_rights, rank=member.rank,
        )  # fmt: skip
    if user_id == viewer_id:
        return types.ChannelParticipantSelf(user_id=user_id, inviter_id=member.inviter_id, date=member.date)
    return types.ChannelParticipant(user_id=user_id, date=member.date)


def invite_tl(invite: Invite, requested: int = 0) -> types.ChatInviteExported:
    """The link as its admins see it (``requested``: the join requests by it that wait)."""
    return types.ChatInviteExported(
        request_needed=invite.request_needed,
        requested=requested or None,
        revoked=invite.revoked,
        permanent=invite.permanent,
        link=invite.link,
        admin_id=invite.admin_id,
        date=invite.date,
        expire_date=invite.expire_date,
        usage_limit=invite.usage_limit,
        usage=invite.usage or None,
        title=invite.title,
    )
