"""The account's sessions: ``account.getAuthorizations``, ``account.resetAuthorization``,
``auth.resetAuthorizations`` and ``account.changeAuthorizationSettings``.

- getAuthorizations (https://core.telegram.org/method/account.getAuthorizations): every authorization of the account,
  as ``authorization`` constructors (https://core.telegram.org/constructor/authorization): ``current`` (and ``hash``
  0) for the caller's own, ``unconfirmed`` for a new login not confirmed yet (``authz.py``), the app from its
  ``initConnection``; ``date_active`` is when it logged in (the sandbox does not track activity); no IP or country
  (loopback). ``authorization_ttl_days`` is Telegram's default 180 (the sandbox ends no idle session).
- resetAuthorization(hash) (https://core.telegram.org/method/account.resetAuthorization): ends that session: its
  key is logged out and its next call gets SESSION_REVOKED (401). HASH_INVALID for a hash of no session of the
  account, and for the current session's own (0: ``auth.logOut`` ends one's own session);
  FRESH_RESET_AUTHORISATION_FORBIDDEN (406) when the calling session logged in less than 24 hours ago (by the
  world's clock): a new login, perhaps a thief's, cannot throw the owner's older sessions out.
- auth.resetAuthorizations (https://core.telegram.org/method/auth.resetAuthorizations): ends every other session
  the same way, under the same 24-hour rule.
- changeAuthorizationSettings(hash, confirmed=True) confirms another session's new login (HASH_INVALID for an
  unknown hash or one's own: a login is confirmed from another session); the encrypted-chat and call switches are
  accepted and not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.authz import SandboxAuthorization
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import account as t_account

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

TTL_DAYS = 180
FRESH_FOR = 86400.0
"""A session younger than this may not end the others (FRESH_RESET_AUTHORISATION_FORBIDDEN)."""


def authorization_tl(record: SandboxAuthorization, *, current: bool) -> types.Authorization:
    app = record.app
    return types.Authorization(
        current=current,
        unconfirmed=record.unconfirmed,
        hash=0 if current else record.hash,
        device_model=app.device_model,
        platform="",
        system_version=app.system_version,
        api_id=app.api_id,
        app_name="",
        app_version=app.app_version,
        date_created=int(record.created),
        date_active=int(record.created),
        ip="",
        country="",
        region="",
    )


async def get_authorizations(
    world: World, ctx: CallContext, request: f_account.GetAuthorizations
) -> t_account.Authorizations:
    account = world.authorized(ctx)
    found = [authorization_tl(a, current=a.auth_key_id == ctx.auth_key_id) for a in world.auths.of_user(account.id)]
    return t_account.Authorizations(authorization_ttl_days=TTL_DAYS, authorizations=found)


def _other(world: World, ctx: CallContext, user_id: int, hash_: int) -> SandboxAuthorization:
    record = None if hash_ == 0 else world.auths.by_hash(user_id, hash_)
    if record is None or record.auth_key_id == ctx.auth_key_id:
        raise errors.HashInvalid()
    return record


def _check_not_fresh(world: World, ctx: CallContext) -> None:
    """FRESH_RESET_AUTHORISATION_FORBIDDEN while the calling session is younger than :data:`FRESH_FOR`."""
    own = world.auths.get(ctx.auth_key_id)
    if own is not None and world.clock() - own.created < FRESH_FOR:
        raise errors.FreshResetAuthorisationForbidden()


async def reset_authorization(world: World, ctx: CallContext, request: f_account.ResetAuthorization) -> bool:
    account = world.authorized(ctx)
    other = _other(world, ctx, account.id, request.hash)
    _check_not_fresh(world, ctx)
    world.auths.end(other.auth_key_id)
    return True


async def reset_authorizations(world: World, ctx: CallContext, request: f_auth.ResetAuthorizations) -> bool:
    account = world.authorized(ctx)
    _check_not_fresh(world, ctx)
    for key in world.auths.of_user_keys(account.id):
        if key != ctx.auth_key_id:
            world.auths.end(key)
    return True


async def change_authorization_settings(
    world: World, ctx: CallContext, request: f_account.ChangeAuthorizationSettings
) -> bool:
    account = world.authorized(ctx)
    record = _other(world, ctx, account.id, request.hash)
    if request.confirmed:
        world.auths.confirm(record.auth_key_id)
    return True


HANDLERS: dict[type, ServiceFn] = {
    f_account.GetAuthorizations: get_authorizations,
    f_account.ResetAuthorization: reset_authorization,
    f_auth.ResetAuthorizations: reset_authorizations,
    f_account.ChangeAuthorizationSettings: change_authorization_settings,
}
