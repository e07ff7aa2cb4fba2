"""Login with a code (https://core.telegram.org/api/auth): sendCode, resendCode, cancelCode, signIn, signUp,
logOut.

- ``auth.sendCode`` checks api_id/api_hash (API_ID_INVALID), the number (PHONE_NUMBER_INVALID, PHONE_NUMBER_BANNED
  for a banned account's), its home
  DC (PHONE_MIGRATE_X) and the login limits (FLOOD_WAIT_X while wrong codes lock the number,
  PHONE_NUMBER_FLOOD past its daily codes); a registered number with logged-in keys gets the code "in the
  app" (``auth.sentCodeTypeApp``), otherwise by SMS; an unknown number gets a code too (sign-up path). The
  code also arrives as a message from 777000 in the account's history and on its online sessions.
- The ``phone_code_hash`` belongs to the auth key that asked for it: resendCode, cancelCode, signIn and
  signUp from any other key get PHONE_CODE_EXPIRED (see ``codes.py``).
- Future auth tokens (https://core.telegram.org/api/auth#future-auth-tokens, ``future_tokens.py``): every
  ``auth.authorization`` of a login and every ``auth.loggedOut`` carries one; ``auth.sendCode`` offering a live one
  of the number's account in ``codeSettings.logout_tokens`` answers ``auth.sentCodeSuccess`` (logged in, no code,
  not counted as a code sent). The sandbox honours them only for an account without 2FA (a token never skips
  the password): with 2FA a code is sent as usual.
- ``auth.signIn``: PHONE_CODE_HASH_EMPTY, PHONE_CODE_EMPTY, PHONE_MIGRATE_X, FLOOD_WAIT_X (the number is
  locked), PHONE_CODE_EXPIRED, PHONE_CODE_INVALID (PHONE_CODE_EXPIRED for the wrong try that uses up the
  code); an unknown number -> ``auth.authorizationSignUpRequired``; with 2FA the code is consumed and
  SESSION_PASSWORD_NEEDED (401) leaves the key pending until ``auth.checkPassword``.
- ``auth.signUp`` needs a code that signIn verified; creates the account (a new account) on the number's
  home DC.

The limits are the world's ``LoginLimits`` (``login_limits.py``), counted by its ``LoginGuard``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.codes import CodeType, LoginCode
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_NAME_LENGTH = 64
MAX_TOKENS = 20
"""Future auth tokens of one ``auth.sendCode`` looked at (clients keep the 20 latest)."""


def _home_dc_or_migrate(world: World, ctx: CallContext, phone: str) -> None:
    home = world.accounts.home_dc_of(phone)
    if home != ctx.dc_id:
        raise errors.PhoneMigrate(home)


async def send_code(world: World, ctx: CallContext, request: f_auth.SendCode) -> t_auth.TypeSentCode:
    if request.api_id != world.api_id or request.api_hash != world.api_hash:
        raise errors.ApiIdInvalid()
    phone = world.phone(request.phone_number)
    account = world.accounts.by_phone(phone)
    if account is not None and account.service:
        raise errors.PhoneNumberInvalid()
    if account is not None and world.standing.banned(account.id):
        raise errors.PhoneNumberBanned()
    _home_dc_or_migrate(world, ctx, phone)
    offered = request.settings.logout_tokens or []
    if account is not None and account.password is None and world.future_tokens.take(account.id, offered[:MAX_TOKENS]):
        return t_auth.SentCodeSuccess(authorization=world.sign_in(ctx, account))
    world.login_guard.take_code(phone)
    in_app = account is not None and bool(world.auths.of_user(account.id))
    login = world.codes.issue(phone, CodeType.APP if in_app else CodeType.SMS, ctx.auth_key_id)
    if account is not None:
        world.notify_code(account, login.code)
    return login.sent_code()


async def resend_code(world: World, ctx: CallContext, request: f_auth.ResendCode) -> t_auth.SentCode:
    phone = world.phone(request.phone_number)
    if not request.phone_code_hash:
        raise errors.PhoneCodeHashEmpty()
    world.login_guard.check_phone(phone)
    login = world.codes.resend(phone, request.phone_code_hash, ctx.auth_key_id)
    account = world.accounts.by_phone(phone)
    if account is not None:
        world.notify_code(account, login.code)
    return login.sent_code()


async def cancel_code(world: World, ctx: CallContext, request: f_auth.CancelCode) -> bool:
    phone = world.phone(request.phone_number)
    if not request.phone_code_hash:
        raise errors.PhoneCodeHashEmpty()
    world.codes.live(phone, request.phone_code_hash, ctx.auth_key_id)
    world.codes.drop(phone)
    return True


def _checked_code(world: World, ctx: CallContext, phone: str, phone_code_hash: str, code: str) -> LoginCode:
    """The caller's live code if ``code`` is right; FLOOD_WAIT_X while the number is locked (even for the
    right code), PHONE_CODE_EXPIRED / PHONE_CODE_INVALID otherwise (a wrong code counts for the number)."""
    world.login_guard.check_phone(phone)
    login = world.codes.live(phone, phone_code_hash, ctx.auth_key_id)
    try:
        world.codes.attempt(login, code, world.login_limits.code_attempts)
    except (errors.PhoneCodeInvalid, errors.PhoneCodeExpired):
        world.login_guard.code_failed(phone)
        raise
    world.login_guard.code_ok(phone)
    return login


async def sign_in(world: World, ctx: CallContext, request: f_auth.SignIn) -> t_auth.TypeAuthorization:
    phone = world.phone(request.phone_number)
    if not request.phone_code_hash:
        raise errors.PhoneCodeHashEmpty()
    if not request.phone_code:
        raise errors.PhoneCodeEmpty()
    _home_dc_or_migrate(world, ctx, phone)
    login = _checked_code(world, ctx, phone, request.phone_code_hash, request.phone_code)
    account = world.accounts.by_phone(phone)
    if account is None:
        login.verified = True
        return t_auth.AuthorizationSignUpRequired()
    world.codes.drop(phone)
    if account.password is not None:
        world.auths.set_pending(ctx.auth_key_id, account.id, ctx.dc_id)
        raise errors.SessionPasswordNeeded()
    return world.sign_in(ctx, account)


async def sign_up(world: World, ctx: CallContext, request: f_auth.SignUp) -> t_auth.Authorization:
    phone = world.phone(request.phone_number)
    if not request.phone_code_hash:
        raise errors.PhoneCodeHashEmpty()
    if world.accounts.by_phone(phone) is not None:
        raise errors.PhoneNumberOccupied()
    _home_dc_or_migrate(world, ctx, phone)
    login = world.codes.live(phone, request.phone_code_hash, ctx.auth_key_id)
    if not login.verified:
        raise errors.PhoneCodeInvalid()
    first_name, last_name = request.first_name.strip(), request.last_name.strip()
    if not first_name or len(first_name) > MAX_NAME_LENGTH:
        raise errors.FirstnameInvalid()
    if len(last_name) > MAX_NAME_LENGTH:
        raise errors.LastnameInvalid()
    world.codes.drop(phone)
    account = world.accounts.create(phone, first_name, last_name, None, ctx.dc_id, world.clock())
    return world.sign_in(ctx, account)


async def log_out(world: World, ctx: CallContext, request: f_auth.LogOut) -> t_auth.LoggedOut:
    account = world.authorized(ctx, migrate=False)
    world.revoke(ctx.auth_key_id)
    return t_auth.LoggedOut(future_auth_token=world.future_tokens.issue(account.id))


HANDLERS: dict[type, ServiceFn] = {
    f_auth.SendCode: send_code,
    f_auth.ResendCode: resend_code,
    f_auth.CancelCode: cancel_code,
    f_auth.SignIn: sign_in,
    f_auth.SignUp: sign_up,
    f_auth.LogOut: log_out,
}
