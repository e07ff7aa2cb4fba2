"""``users.getUsers`` and ``users.getFullUser``.

``users.getUsers`` answers the users it can resolve and silently leaves out the others (unknown ids, wrong
access hashes), as Telegram does; ``users.getFullUser`` gives USER_ID_INVALID for those, and for the others their
bio (``about``) and whether the caller blocked them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.photos import full_photo_tl
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_user
from tgfleet.sandbox.views import user_tl
from tgfleet.tl import types
from tgfleet.tl.functions import users as f_users
from tgfleet.tl.types import users as t_users

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def get_users(world: World, ctx: CallContext, request: f_users.GetUsers) -> list[types.TypeUser]:
    viewer = world.authorized(ctx)
    now = world.clock()
    found = (input_user(world, viewer, user) for user in request.id)
    return [user_tl(world.accounts, account, viewer.id, now) for account in found if account is not None]


async def get_full_user(world: World, ctx: CallContext, request: f_users.GetFullUser) -> t_users.UserFull:
    viewer = world.authorized(ctx)
    account = input_user(world, viewer, request.id)
    if account is None:
        raise errors.UserIdInvalid()
    full = types.UserFull(
        id=account.id,
        about=account.about or None,
        blocked=viewer.contacts.blocked(account.id),
        settings=types.PeerSettings(),
        notify_settings=types.PeerNotifySettings(),
        common_chats_count=0,
        profile_photo=full_photo_tl(account.photos[0] if account.photos else None, world.files.reference),
        bot_info=types.BotInfo(user_id=account.id, description="", commands=[]) if account.bot else None,
    )
    user = user_tl(world.accounts, account, viewer.id, world.clock())
    return t_users.UserFull(full_user=full, chats=[], users=[user])


HANDLERS: dict[type, ServiceFn] = {
    f_users.GetUsers: get_users,
    f_users.GetFullUser: get_full_user,
}
