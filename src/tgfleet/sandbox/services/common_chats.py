"""Chats two accounts share and whom one may speak as: ``messages.getCommonChats``, ``channels.getSendAs``
(https://core.telegram.org/method/messages.getCommonChats, https://core.telegram.org/method/channels.getSendAs).

- getCommonChats: the basic groups and supergroups both the caller and the user are members of (broadcast
  channels are not groups in common), the highest id first, only ids below ``max_id`` when it is given, at most
  ``limit`` (100); USER_ID_INVALID for a user the caller cannot name.
- getSendAs: in a supergroup the caller is a member of: himself, the supergroup itself when he is one of its
  admins (anonymous posting), and the broadcast channels he created; PEER_ID_INVALID for a user, a basic group
  or a broadcast channel, USER_NOT_PARTICIPANT for a supergroup he is not in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_views import chats_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_peers import chat_of, member_of
from tgfleet.sandbox.services.pages import MAX_LIMIT
from tgfleet.sandbox.services.peers import input_user
from tgfleet.sandbox.views import peer_of, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import channels as t_channels
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _shared(world: World, viewer_id: int, user_id: int) -> list[tuple[int, int]]:
    """(chat id, marked id) of the groups both are in, the highest chat id first."""
    groups = [(g.id, g.marked_id) for g in world.groups.of_member(viewer_id) if user_id in g.members]
    supergroups = [
        (c.id, c.marked_id) for c in world.channels.of_member(viewer_id) if c.megagroup and user_id in c.members
    ]
    return sorted(groups + supergroups, reverse=True)


async def get_common_chats(world: World, ctx: CallContext, request: f_messages.GetCommonChats) -> t_messages.Chats:
    viewer = world.authorized(ctx)
    user = input_user(world, viewer, request.user_id)
    if user is None:
        raise errors.UserIdInvalid()
    shared = [m for i, m in _shared(world, viewer.id, user.id) if request.max_id <= 0 or i < request.max_id]
    page = shared[: min(max(0, request.limit), MAX_LIMIT)]
    return t_messages.Chats(chats=chats_tl(world.groups, world.channels, page, viewer.id))


async def get_send_as(world: World, ctx: CallContext, request: f_channels.GetSendAs) -> t_channels.SendAsPeers:
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    if not isinstance(chat, Channel) or not chat.megagroup:
        raise errors.PeerIdInvalid()
    member_of(chat, viewer)
    marked = [viewer.id]
    if chat.rights_of(viewer.id) is not None:
        marked.append(chat.marked_id)
    owned = [c for c in world.channels.of_member(viewer.id) if not c.megagroup and c.creator_id == viewer.id]
    marked += [c.marked_id for c in sorted(owned, key=lambda c: c.id)]
    return t_channels.SendAsPeers(
        peers=[types.SendAsPeer(peer=peer_of(m)) for m in marked],
        chats=chats_tl(world.groups, world.channels, marked, viewer.id),
        users=users_tl(world.accounts, [viewer.id], viewer.id, world.clock()),
    )


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetCommonChats: get_common_chats,
    f_channels.GetSendAs: get_send_as,
}
