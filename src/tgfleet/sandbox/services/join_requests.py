"""Join requests: a ``request_needed`` link's ``messages.importChatInvite``, ``getChatInviteImporters``,
``hideChatJoinRequest``, ``hideAllChatJoinRequests`` (https://core.telegram.org/api/invites#join-requests; the
requests themselves: ``join_requests.py``).

- importChatInvite by a link with ``request_needed``: USER_ALREADY_PARTICIPANT for a member, CHANNEL_PRIVATE for
  one banned from the channel; otherwise the request is left (once: asking again changes nothing) and the answer
  is INVITE_REQUEST_SENT. The chat's admins who may invite get ``updatePendingJoinRequests`` (how many wait, the
  newest requesters), the bots among them ``updateBotChatInviteRequester`` (qts 0: the sandbox keeps no qts).
- getChatInviteImporters: admins only (CHAT_ADMIN_REQUIRED); ``requested``: the waiting requests, else who joined
  by a link; ``link`` (INVITE_HASH_INVALID for one that is not the chat's) narrows to one link, ``q`` to users whose
  name or username contains it; newest first, after ``offset_date`` / ``offset_user``, at most 100 a page.
- hideChatJoinRequest: HIDE_REQUESTER_MISSING when the user has no waiting request; ``approved`` lets him in
  (``messageActionChatJoinedByRequest`` in basic groups and supergroups, from him; USER_ALREADY_PARTICIPANT when
  he is a member by now, USER_CHANNELS_TOO_MUCH when he is in too many channels), else the request is dropped.
  hideAllChatJoinRequests does it to every waiting request (of ``link`` only, when given), skipping those who
  cannot be let in. Both answer ``updates`` with ``updatePendingJoinRequests``, which the other admins get too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_views import channel_tl, group_tl, invite_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import MAX_MEMBERS, BasicGroup
from tgfleet.sandbox.invites import Invite
from tgfleet.sandbox.join_requests import Importer
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.channels import join
from tgfleet.sandbox.services.chat_peers import invite_admin_chat, posts
from tgfleet.sandbox.services.pages import MAX_LIMIT
from tgfleet.sandbox.services.peers import input_user
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

Chat = BasicGroup | Channel
MAX_QUERY = 64
"""Characters of ``q`` that are searched (a longer query matches no name anyway)."""


def _peer(chat: Chat) -> types.TypePeer:
    return types.PeerChat(chat_id=chat.id) if isinstance(chat, BasicGroup) else types.PeerChannel(channel_id=chat.id)


def _chat_tl(world: World, chat: Chat, viewer_id: int) -> types.TypeChat:
    return group_tl(chat, viewer_id) if isinstance(chat, BasicGroup) else channel_tl(world.channels, chat, viewer_id)


def _admins(chat: Chat) -> list[int]:
    """Who hears of the chat's join requests: its admins who may invite."""
    if isinstance(chat, BasicGroup):
        return [m for m in chat.members if chat.is_admin(m)]
    return [m for m in chat.members if chat.can(m, "invite_users")]


def _pending_updates(world: World, chat: Chat, viewer_id: int) -> types.Updates:
    """``updates`` with ``updatePendingJoinRequests`` (how many wait, the newest requesters) for ``viewer_id``."""
    count, recent = world.join_requests.summary(chat.marked_id)
    update = types.UpdatePendingJoinRequests(peer=_peer(chat), requests_pending=count, recent_requesters=recent)
    users = users_tl(world.accounts, [viewer_id, *recent], viewer_id, world.clock())
    return types.Updates(
        updates=[update], users=users, chats=[_chat_tl(world, chat, viewer_id)], date=int(world.clock()), seq=0
    )


def _tell_admins(world: World, chat: Chat, *, except_auth_key_id: int | None = None) -> None:
    """Every admin's sessions (the user admins') learn how many requests wait now."""
    for admin_id in _admins(chat):
        if not world.accounts[admin_id].bot:
            updates = _pending_updates(world, chat, admin_id)
            world.pusher.push(admin_id, updates, except_auth_key_id=except_auth_key_id)


def _tell_bots(world: World, chat: Chat, invite: Invite, request: Importer) -> None:
    """The bot admins get ``updateBotChatInviteRequester`` for a new request."""
    for admin_id in _admins(chat):
        if world.accounts[admin_id].bot:
            update = types.UpdateBotChatInviteRequester(
                peer=_peer(chat), date=request.date, user_id=request.user_id, about=request.about,
                invite=invite_tl(invite), qts=0,
            )  # fmt: skip
            users = users_tl(world.accounts, [admin_id, request.user_id, invite.admin_id], admin_id, world.clock())
            chats = [_chat_tl(world, chat, admin_id)]
            updates = types.Updates(updates=[update], users=users, chats=chats, date=request.date, seq=0)
            world.pusher.push(admin_id, updates)


def request_to_join(world: World, invite: Invite, chat: Chat, viewer: Account) -> None:
    """``viewer`` asks to join by a ``request_needed`` link: INVITE_REQUEST_SENT once the request is left."""
    if viewer.id in chat.members:
        raise errors.UserAlreadyParticipant()
    if isinstance(chat, Channel) and chat.banned(viewer.id):
        raise errors.ChannelPrivate()
    request = Importer(viewer.id, int(world.clock()), invite.hash, viewer.about)
    try:
        new = world.join_requests.ask(chat.marked_id, request)
    except OverflowError:
        raise errors.UsersTooMuch() from None
    if new:
        _tell_admins(world, chat)
        _tell_bots(world, chat, invite, request)
    raise errors.InviteRequestSent()


def _wanted_user(world: World, viewer: Account, user: types.TypeInputUser) -> Account:
    found = input_user(world, viewer, user)
    if found is None:
        raise errors.UserIdInvalid()
    return found


def _admit(world: World, chat: Chat, admin: Account, user: Account, request: Importer) -> None:
    """Let the requester in: the chat's news to him (all his sessions) and its other members."""
    action = types.MessageActionChatJoinedByRequest()
    if isinstance(chat, Channel):
        join(world, None, chat, user, inviter_id=admin.id, action=action, too_many=errors.UserChannelsTooMuch)
    else:
        if user.id in chat.members:
            raise errors.UserAlreadyParticipant()
        if len(chat.members) >= MAX_MEMBERS:
            raise errors.UsersTooMuch()
        chat.add_member(user.id, admin.id, int(world.clock()))
        posts(world, None).to_group(chat, user, action=action)
    joined = Importer(user.id, int(world.clock()), request.link_hash, request.about, approved_by=admin.id)
    world.join_requests.record_join(chat.marked_id, joined)
    invite = world.invites.get(request.link_hash)
    if invite is not None:
        world.invites.use(invite)


def _taken(world: World, chat: Chat, user: Account) -> Importer:
    """The user's waiting request, no longer waiting (HIDE_REQUESTER_MISSING without one)."""
    request = world.join_requests.take(chat.marked_id, user.id)
    if request is None:
        raise errors.HideRequesterMissing()
    return request


async def hide_chat_join_request(
    world: World, ctx: CallContext, request: f_messages.HideChatJoinRequest
) -> types.Updates:
    admin = world.authorized(ctx)
    chat = invite_admin_chat(world, admin, request.peer)
    user = _wanted_user(world, admin, request.user_id)
    waiting = _taken(world, chat, user)
    try:
        if request.approved:
            _admit(world, chat, admin, user, waiting)
    finally:  # the request is gone even when he cannot be let in
        _tell_admins(world, chat, except_auth_key_id=ctx.auth_key_id)
    return _pending_updates(world, chat, admin.id)


async def hide_all_chat_join_requests(
    world: World, ctx: CallContext, request: f_messages.HideAllChatJoinRequests
) -> types.Updates:
    admin = world.authorized(ctx)
    chat = invite_admin_chat(world, admin, request.peer)
    link = None if request.link is None else _link_of(world, chat, request.link)
    for waiting in world.join_requests.pending(chat.marked_id, link):
        user = world.accounts[waiting.user_id]
        taken = _taken(world, chat, user)
        if request.approved:
            try:
                _admit(world, chat, admin, user, taken)
            except errors.RPCError:  # one who cannot be let in any more: his request is gone all the same
                continue
    _tell_admins(world, chat, except_auth_key_id=ctx.auth_key_id)
    return _pending_updates(world, chat, admin.id)


def _link_of(world: World, chat: Chat, link: str) -> str:
    invite = world.invites.of_chat(chat.marked_id, link)
    if invite is None:
        raise errors.InviteHashInvalid()
    return invite.hash


def _named(world: World, user_id: int, query: str) -> bool:
    account = world.accounts[user_id]
    names = (account.first_name, account.last_name, account.username or "")
    return any(query in name.casefold() for name in names)


def _importer_tl(importer: Importer, *, requested: bool) -> types.ChatInviteImporter:
    return types.ChatInviteImporter(
        requested=requested, user_id=importer.user_id, date=importer.date, about=importer.about or None,
        approved_by=importer.approved_by or None,
    )  # fmt: skip


async def get_chat_invite_importers(
    world: World, ctx: CallContext, request: f_messages.GetChatInviteImporters
) -> t_messages.ChatInviteImporters:
    admin = world.authorized(ctx)
    chat = invite_admin_chat(world, admin, request.peer)
    link = None if request.link is None else _link_of(world, chat, request.link)
    if request.requested:
        found = world.join_requests.pending(chat.marked_id, link)
    else:
        found = world.join_requests.joined(chat.marked_id, link)
    found = sorted(found, key=lambda r: (r.date, r.user_id), reverse=True)
    query = (request.q or "")[:MAX_QUERY].casefold()
    if query:
        found = [r for r in found if _named(world, r.user_id, query)]
    after = (request.offset_date, getattr(request.offset_user, "user_id", None))
    if request.offset_date > 0 or after[1] is not None:
        bound = (after[0] or (1 << 31), after[1] if after[1] is not None else 1 << 63)
        older = [r for r in found if (r.date, r.user_id) < bound]
    else:
        older = found
    page = older[: min(max(request.limit, 0), MAX_LIMIT)]
    importers = [_importer_tl(r, requested=request.requested) for r in page]
    ids = [admin.id, *(r.user_id for r in page), *(r.approved_by for r in page if r.approved_by)]
    users = users_tl(world.accounts, list(dict.fromkeys(ids)), admin.id, world.clock())
    return t_messages.ChatInviteImporters(count=len(found), importers=importers, users=users)


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetChatInviteImporters: get_chat_invite_importers,
    f_messages.HideChatJoinRequest: hide_chat_join_request,
    f_messages.HideAllChatJoinRequests: hide_all_chat_join_requests,
}
