"""Finding users: ``contacts.resolveUsername`` and ``contacts.resolvePhone``.

- resolveUsername: USERNAME_INVALID for a malformed name, USERNAME_NOT_OCCUPIED for a free one; otherwise
  ``contacts.resolvedPeer`` with the user (or the public channel) as the caller sees him (his access hash).
- resolvePhone: PHONE_NUMBER_INVALID for a malformed number, PHONE_NOT_OCCUPIED when no account has it.
  Telegram answers only when the owner's "Who can find me by my number" privacy lets the caller find him
  (``privacy.py``; default "Everybody"), else PHONE_NOT_OCCUPIED as for a free number. The answered ``user``
  carries the phone (the caller already knows it), so a client can cache the number; other views of that user
  show it as his phone privacy allows (``views.user_tl``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import valid_username
from tgfleet.sandbox.chat_views import channel_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.views import peer_user, user_tl, visible
from tgfleet.tl import types
from tgfleet.tl.functions import contacts as f_contacts
from tgfleet.tl.types import contacts as t_contacts

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def resolve_username(
    world: World, ctx: CallContext, request: f_contacts.ResolveUsername
) -> t_contacts.ResolvedPeer:
    viewer = world.authorized(ctx)
    if not valid_username(request.username):
        raise errors.UsernameInvalid()
    account = world.accounts.by_username(request.username)
    if account is None and (channel := world.channels.by_username(request.username)) is not None:
        chats: list[types.TypeChat] = [channel_tl(world.channels, channel, viewer.id)]
        return t_contacts.ResolvedPeer(peer=types.PeerChannel(channel_id=channel.id), chats=chats, users=[])
    if account is None:
        raise errors.UsernameNotOccupied()
    user = user_tl(world.accounts, account, viewer.id, world.clock())
    return t_contacts.ResolvedPeer(peer=peer_user(account.id), chats=[], users=[user])


async def resolve_phone(world: World, ctx: CallContext, request: f_contacts.ResolvePhone) -> t_contacts.ResolvedPeer:
    viewer = world.authorized(ctx)
    account = world.accounts.by_phone(world.phone(request.phone))
    if account is None or not visible(account, viewer.id, types.PrivacyKeyAddedByPhone):
        raise errors.PhoneNotOccupied()
    user = user_tl(world.accounts, account, viewer.id, world.clock())
    user.phone = account.phone
    return t_contacts.ResolvedPeer(peer=peer_user(account.id), chats=[], users=[user])


HANDLERS: dict[type, ServiceFn] = {
    f_contacts.ResolveUsername: resolve_username,
    f_contacts.ResolvePhone: resolve_phone,
}
