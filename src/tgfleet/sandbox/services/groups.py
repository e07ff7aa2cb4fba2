"""Basic groups: ``messages.createChat``, ``getChats``, ``getFullChat``, ``addChatUser``, ``deleteChatUser``,
``editChatTitle``, ``editChatAdmin``, and ``editChatAbout`` for groups and channels
(https://core.telegram.org/method/messages.createChat, https://core.telegram.org/api/channel).

- createChat: CHAT_TITLE_EMPTY, USERS_TOO_FEW (nobody but the caller), USER_ID_INVALID / INPUT_USER_DEACTIVATED
  for an invitee, USERS_TOO_MANY past ``MAX_MEMBERS``; invitees whose privacy forbids it are left out
  (``chat_peers.invitable``: USER_PRIVACY_RESTRICTED for all of them, as for addChatUser's one); a service
  message (``messageActionChatCreate``) opens the chat in every member's box; the answer is
  ``messages.invitedUsers`` with the caller's ``updates``.
- addChatUser: USER_NOT_PARTICIPANT for a caller who is no member, USER_ALREADY_PARTICIPANT, USERS_TOO_MUCH;
  ``messageActionChatAddUser``. deleteChatUser: the caller himself leaves; removing another member needs the
  creator, an admin or the one who added him (CHAT_ADMIN_REQUIRED), USER_NOT_PARTICIPANT for a non-member;
  ``messageActionChatDeleteUser``, which the removed member gets too.
- editChatTitle: CHAT_TITLE_EMPTY, CHAT_NOT_MODIFIED; ``messageActionChatEditTitle``. editChatAdmin: the
  creator alone (CHAT_ADMIN_REQUIRED); ``true``.
- editChatAbout: CHAT_ABOUT_TOO_LONG (> 255), CHAT_ABOUT_NOT_MODIFIED; a channel needs ``change_info``.
- getChats answers the groups it knows (unknown ids are left out); getFullChat: CHAT_ID_INVALID; a member sees
  the participants and, if admin, his permanent invite link and the join requests waiting (``requests_pending``,
  the newest ``recent_requesters``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chat_views import group_participants_tl, group_tl, invite_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import MAX_MEMBERS, BasicGroup
from tgfleet.sandbox.photos import full_photo_tl
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import admin_with, chat_of, input_group, invitable, invitee, posts
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_TITLE = 128
MAX_ABOUT = 255


def checked_title(title: str) -> str:
    """CHAT_TITLE_EMPTY for a blank title; longer than 128 characters is cut, as Telegram does."""
    title = title.strip()
    if not title:
        raise errors.ChatTitleEmpty()
    return title[:MAX_TITLE]


def _member(group: BasicGroup, viewer: Account) -> None:
    if viewer.id not in group.members:
        raise errors.UserNotParticipant()


def _service(
    world: World, ctx: CallContext, group: BasicGroup, sender: Account, action: object, extra: tuple[int, ...] = ()
) -> types.Updates:
    """Post a service message to the group (also to ``extra``: a member just removed); the caller's ``updates``."""
    sent = posts(world, ctx)
    message = sent.to_group(group, sender, action=action, extra_members=extra)
    return sent.group_updates(group, message, sender.id)


async def create_chat(world: World, ctx: CallContext, request: f_messages.CreateChat) -> t_messages.InvitedUsers:
    creator = world.authorized(ctx)
    title = checked_title(request.title)
    found = {u.id: u for u in (invitee(world, creator, user) for user in request.users) if u is not creator}
    users, missing = invitable(creator, list(found.values()))
    if not users:
        raise errors.UsersTooFew()
    if len(users) + 1 > MAX_MEMBERS:
        raise errors.UsersTooMuch()
    now = int(world.clock())
    group = world.groups.create(title, creator.id, now)
    for user in users:
        group.add_member(user.id, creator.id, now)
    action = types.MessageActionChatCreate(title=title, users=list(group.members))
    return t_messages.InvitedUsers(updates=_service(world, ctx, group, creator, action), missing_invitees=missing)


async def get_chats(world: World, ctx: CallContext, request: f_messages.GetChats) -> t_messages.Chats:
    viewer = world.authorized(ctx)
    found = [g for i in request.id if (g := world.groups.get(i)) is not None]
    return t_messages.Chats(chats=[group_tl(g, viewer.id) for g in found])


async def get_full_chat(world: World, ctx: CallContext, request: f_messages.GetFullChat) -> t_messages.ChatFull:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    member = viewer.id in group.members
    participants: types.TypeChatParticipants = (
        group_participants_tl(group) if member else types.ChatParticipantsForbidden(chat_id=group.id)
    )
    invite, waiting, recent = None, 0, list[int]()
    if group.is_admin(viewer.id):  # who may approve sees the join requests (join_requests.py)
        invite = invite_tl(world.invites.permanent(group.marked_id, viewer.id, int(world.clock())))
        waiting, recent = world.join_requests.summary(group.marked_id)
    full = types.ChatFull(
        id=group.id, about=group.about, participants=participants, notify_settings=types.PeerNotifySettings(),
        exported_invite=invite, chat_photo=full_photo_tl(group.photo, world.files.reference),
        requests_pending=waiting or None, recent_requesters=recent or None,
    )  # fmt: skip
    users = users_tl(world.accounts, [*(group.members if member else []), *recent], viewer.id, world.clock())
    return t_messages.ChatFull(full_chat=full, chats=[group_tl(group, viewer.id)], users=users)


async def add_chat_user(world: World, ctx: CallContext, request: f_messages.AddChatUser) -> t_messages.InvitedUsers:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    _member(group, viewer)
    user = invitee(world, viewer, request.user_id)
    if user.id in group.members:
        raise errors.UserAlreadyParticipant()
    invitable(viewer, [user])
    if len(group.members) >= MAX_MEMBERS:
        raise errors.UsersTooMuch()
    group.add_member(user.id, viewer.id, int(world.clock()))
    updates = _service(world, ctx, group, viewer, types.MessageActionChatAddUser(users=[user.id]))
    return t_messages.InvitedUsers(updates=updates, missing_invitees=[])


async def delete_chat_user(world: World, ctx: CallContext, request: f_messages.DeleteChatUser) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    _member(group, viewer)
    user = invitee(world, viewer, request.user_id)
    target = group.members.get(user.id)
    if target is None:
        raise errors.UserNotParticipant()
    if user is not viewer and not group.is_admin(viewer.id) and target.inviter_id != viewer.id:
        raise errors.ChatAdminRequired()
    group.remove_member(user.id)
    updates = _service(world, ctx, group, viewer, types.MessageActionChatDeleteUser(user_id=user.id), (user.id,))
    group.deactivated = not group.members  # the last one left
    return updates


async def edit_chat_title(world: World, ctx: CallContext, request: f_messages.EditChatTitle) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    _member(group, viewer)
    title = checked_title(request.title)
    if title == group.title:
        raise errors.ChatNotModified()
    group.title = title
    return _service(world, ctx, group, viewer, types.MessageActionChatEditTitle(title=title))


async def edit_chat_admin(world: World, ctx: CallContext, request: f_messages.EditChatAdmin) -> bool:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    if viewer.id != group.creator_id:
        raise errors.ChatAdminRequired()
    user = invitee(world, viewer, request.user_id)
    target = group.members.get(user.id)
    if target is None:
        raise errors.UserNotParticipant()
    target.admin = request.is_admin
    group.version += 1
    return True


async def edit_chat_about(world: World, ctx: CallContext, request: f_messages.EditChatAbout) -> bool:
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    if chat is None:
        raise errors.PeerIdInvalid()
    if isinstance(chat, BasicGroup):
        _member(chat, viewer)
    else:
        admin_with(chat, viewer, "change_info")
    about = request.about.strip()
    if len(about) > MAX_ABOUT:
        raise errors.ChatAboutTooLong()
    if about == chat.about:
        raise errors.ChatAboutNotModified()
    chat.about = about
    return True


HANDLERS: dict[type, ServiceFn] = {
    f_messages.CreateChat: create_chat,
    f_messages.GetChats: get_chats,
    f_messages.GetFullChat: get_full_chat,
    f_messages.AddChatUser: add_chat_user,
    f_messages.DeleteChatUser: delete_chat_user,
    f_messages.EditChatTitle: edit_chat_title,
    f_messages.EditChatAdmin: edit_chat_admin,
    f_messages.EditChatAbout: edit_chat_about,
}
