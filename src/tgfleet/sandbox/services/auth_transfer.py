"""Carrying a login to another DC (https://core.telegram.org/api/datacenter): export on one DC, import on
the other.

``auth.exportAuthorization(dc_id)`` (logged-in key; DC_ID_INVALID outside 1..dcs) answers
``auth.exportedAuthorization(id = user id, bytes = 64 random bytes)``; ``auth.importAuthorization`` on that DC
logs the calling key in as the user (AUTH_BYTES_INVALID for bytes that were not exported for this user and
DC). Exported bytes stay valid, so a client may repeat an import after a reconnect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

TOKEN_BYTES = 64


async def export_authorization(
    world: World, ctx: CallContext, request: f_auth.ExportAuthorization
) -> t_auth.ExportedAuthorization:
    account = world.authorized(ctx, migrate=False)
    if not 1 <= request.dc_id <= world.dcs:
        raise errors.DcIdInvalid()
    exported = world.auths.export(account.id, request.dc_id, world.random(TOKEN_BYTES))
    return t_auth.ExportedAuthorization(id=account.id, bytes=exported.token)


async def import_authorization(
    world: World, ctx: CallContext, request: f_auth.ImportAuthorization
) -> t_auth.Authorization:
    account = world.accounts.get(request.id)
    if account is None or world.auths.find_export(request.id, request.bytes, ctx.dc_id) is None:
        raise errors.AuthBytesInvalid()
    return world.sign_in(ctx, account, imported=True)


HANDLERS: dict[type, ServiceFn] = {
    f_auth.ExportAuthorization: export_authorization,
    f_auth.ImportAuthorization: import_authorization,
}
