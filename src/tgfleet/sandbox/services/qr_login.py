"""Login by QR code (https://core.telegram.org/api/qr-login): exportLoginToken, acceptLoginToken, importLoginToken.

- ``auth.exportLoginToken(api_id, api_hash, except_ids)`` (API_ID_INVALID for another app): a new
  ``auth.loginToken(expires, token)`` for the calling key (``login_tokens.py``: 30 s, the previous one dropped),
  shown to the user as ``tg://login?token=<base64url>``. Once a session of the user accepted it, the same call
  answers ``auth.loginTokenSuccess`` (the key is logged in) when the user's home DC is this one, else
  ``auth.loginTokenMigrateTo(dc_id, token)``; for an account with 2FA it raises SESSION_PASSWORD_NEEDED instead
  and the key is pending until ``auth.checkPassword``, as after ``auth.signIn``. A user named in ``except_ids``
  (already logged in on that device) accepting gets AUTH_TOKEN_ALREADY_ACCEPTED.
- ``auth.acceptLoginToken(token)`` from a logged-in session of the user: AUTH_TOKEN_INVALID (never issued),
  AUTH_TOKEN_EXPIRED, AUTH_TOKEN_ALREADY_ACCEPTED; marks it accepted, sends ``updateLoginToken`` to the exporting
  key's sessions and answers the new session's ``authorization``.
- ``auth.importLoginToken(token)`` on the user's home DC, after ``loginTokenMigrateTo``: the same outcomes as the
  export's (success, SESSION_PASSWORD_NEEDED; another migrate when called on a wrong DC); AUTH_TOKEN_INVALID for a
  token not accepted (yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.authz import ClientApp, SandboxAuthorization
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.login_tokens import LoginToken
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.sessions import authorization_tl
from tgfleet.tl import types
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def export_login_token(world: World, ctx: CallContext, request: f_auth.ExportLoginToken) -> t_auth.TypeLoginToken:
    if request.api_id != world.api_id or request.api_hash != world.api_hash:
        raise errors.ApiIdInvalid()
    accepted = world.login_tokens.accepted_of(ctx.auth_key_id)
    if accepted is not None:
        return _complete(world, ctx, accepted)
    token = world.login_tokens.issue(ctx.auth_key_id, ctx.dc_id, list(request.except_ids))
    return t_auth.LoginToken(expires=int(token.expires), token=token.token)


async def accept_login_token(world: World, ctx: CallContext, request: f_auth.AcceptLoginToken) -> types.Authorization:
    account = world.authorized(ctx)
    token = world.login_tokens.find(request.token)
    if account.id in token.except_ids:
        raise errors.AuthTokenAlreadyAccepted()
    world.login_tokens.accept(request.token, account.id)
    update = types.UpdateShort(update=types.UpdateLoginToken(), date=int(world.clock()))
    world.pusher.push_key(token.auth_key_id, update)
    pending = SandboxAuthorization(token.auth_key_id, account.id, token.dc, world.clock(), False, 0, True, ClientApp())
    return authorization_tl(pending, current=False)


async def import_login_token(world: World, ctx: CallContext, request: f_auth.ImportLoginToken) -> t_auth.TypeLoginToken:
    token = world.login_tokens.find(request.token)
    if token.accepted_by is None:
        raise errors.AuthTokenInvalid()
    return _complete(world, ctx, token)


def _complete(world: World, ctx: CallContext, token: LoginToken) -> t_auth.TypeLoginToken:
    """Log ``ctx``'s key in as the user who accepted ``token`` (on the user's home DC only)."""
    account = world.accounts.get(token.accepted_by or 0)
    if account is None or account.deleted:
        world.login_tokens.take(token)
        raise errors.AuthTokenInvalid()
    if account.dc != ctx.dc_id:
        return t_auth.LoginTokenMigrateTo(dc_id=account.dc, token=token.token)
    world.login_tokens.take(token)
    if account.password is not None:
        world.auths.set_pending(ctx.auth_key_id, account.id, ctx.dc_id)
        raise errors.SessionPasswordNeeded()
    return t_auth.LoginTokenSuccess(authorization=world.sign_in(ctx, account))


HANDLERS: dict[type, ServiceFn] = {
    f_auth.ExportLoginToken: export_login_token,
    f_auth.AcceptLoginToken: accept_login_token,
    f_auth.ImportLoginToken: import_login_token,
}
