"""Invite links: ``messages.exportChatInvite``, ``getExportedChatInvite``, ``checkChatInvite``,
``importChatInvite`` (https://core.telegram.org/api/invites; the links themselves: ``invites.py``).

- exportChatInvite: basic groups' admins, channels' admins with ``invite_users`` (CHAT_ADMIN_REQUIRED);
  ``legacy_revoke_permanent`` replaces the caller's permanent link, anything else makes an additional link
  (``expire_date``, ``usage_limit``, ``title``, ``request_needed``; USAGE_LIMIT_INVALID, also for a usage limit
  on a link that needs approval, EXPIRE_DATE_INVALID).
- getExportedChatInvite: INVITE_HASH_INVALID for a link that is not the chat's.
- checkChatInvite: ``chatInviteAlready`` for a member, else ``chatInvite`` (the chat's title and size);
  importChatInvite: joins (``messageActionChatJoinedByLink`` in basic groups and supergroups); both
  INVITE_HASH_INVALID for an unknown hash, INVITE_HASH_EXPIRED for a revoked, expired or used-up link;
  import also USER_ALREADY_PARTICIPANT, CHANNEL_PRIVATE for a user banned from the channel; by a link with
  ``request_needed`` it leaves a join request instead and answers INVITE_REQUEST_SENT (``join_requests.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_views import channel_tl, group_tl, invite_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import MAX_MEMBERS, BasicGroup
from tgfleet.sandbox.invites import Invite
from tgfleet.sandbox.join_requests import Importer
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.channels import join
from tgfleet.sandbox.services.chat_peers import chat_by_marked_id, invite_admin_chat, posts
from tgfleet.sandbox.services.join_requests import request_to_join
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def export_chat_invite(
    world: World, ctx: CallContext, request: f_messages.ExportChatInvite
) -> types.ChatInviteExported:
    viewer = world.authorized(ctx)
    chat = invite_admin_chat(world, viewer, request.peer)
    now = int(world.clock())
    if request.legacy_revoke_permanent:
        invite = world.invites.permanent(chat.marked_id, viewer.id, now, replace=True)
    else:
        invite = world.invites.create(
            chat.marked_id, viewer.id, now, expire_date=request.expire_date, usage_limit=request.usage_limit,
            title=request.title, request_needed=request.request_needed,
        )  # fmt: skip
    return invite_tl(invite)


async def get_exported_chat_invite(
    world: World, ctx: CallContext, request: f_messages.GetExportedChatInvite
) -> t_messages.ExportedChatInvite:
    viewer = world.authorized(ctx)
    chat = invite_admin_chat(world, viewer, request.peer)
    invite = world.invites.of_chat(chat.marked_id, request.link)
    if invite is None:
        raise errors.InviteHashInvalid()
    users = users_tl(world.accounts, [invite.admin_id], viewer.id, world.clock())
    requested = len(world.join_requests.pending(chat.marked_id, invite.hash))
    return t_messages.ExportedChatInvite(invite=invite_tl(invite, requested), users=users)


def _usable(world: World, code: str) -> tuple[Invite, BasicGroup | Channel]:
    invite = world.invites.get(code)
    if invite is None:
        raise errors.InviteHashInvalid()
    chat = chat_by_marked_id(world, invite.chat_id)
    if chat is None or not invite.usable(world.clock()):
        raise errors.InviteHashExpired()
    return invite, chat


async def check_chat_invite(
    world: World, ctx: CallContext, request: f_messages.CheckChatInvite
) -> types.TypeChatInvite:
    viewer = world.authorized(ctx)
    invite, chat = _usable(world, request.hash)
    if isinstance(chat, BasicGroup):
        if viewer.id in chat.members:
            return types.ChatInviteAlready(chat=group_tl(chat, viewer.id))
        return types.ChatInvite(title=chat.title, photo=types.PhotoEmpty(id=0), participants_count=len(chat.members),
                                color=0, request_needed=invite.request_needed)  # fmt: skip
    if viewer.id in chat.members:
        return types.ChatInviteAlready(chat=channel_tl(world.channels, chat, viewer.id))
    return types.ChatInvite(
        channel=True, broadcast=not chat.megagroup, megagroup=chat.megagroup, public=chat.username is not None,
        title=chat.title, about=chat.about or None, photo=types.PhotoEmpty(id=0),
        participants_count=len(chat.members), color=0, request_needed=invite.request_needed,
    )  # fmt: skip


async def import_chat_invite(
    world: World, ctx: CallContext, request: f_messages.ImportChatInvite
) -> t_messages.ChatInviteJoinResultOk:
    viewer = world.authorized(ctx)
    invite, chat = _usable(world, request.hash)
    if invite.request_needed:
        request_to_join(world, invite, chat, viewer)
    if isinstance(chat, Channel):
        updates = join(world, ctx, chat, viewer, inviter_id=invite.admin_id)
    else:
        if viewer.id in chat.members:
            raise errors.UserAlreadyParticipant()
        if len(chat.members) >= MAX_MEMBERS:
            raise errors.UsersTooMuch()
        chat.add_member(viewer.id, invite.admin_id, int(world.clock()))
        sent = posts(world, ctx)
        action = types.MessageActionChatJoinedByLink(inviter_id=invite.admin_id)
        updates = sent.group_updates(chat, sent.to_group(chat, viewer, action=action), viewer.id)
    world.invites.use(invite)
    world.join_requests.record_join(chat.marked_id, Importer(viewer.id, int(world.clock()), invite.hash))
    return t_messages.ChatInviteJoinResultOk(updates=updates)


HANDLERS: dict[type, ServiceFn] = {
    f_messages.ExportChatInvite: export_chat_invite,
    f_messages.GetExportedChatInvite: get_exported_chat_invite,
    f_messages.CheckChatInvite: check_chat_invite,
    f_messages.ImportChatInvite: import_chat_invite,
}
