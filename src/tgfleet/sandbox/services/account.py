"""2FA (https://core.telegram.org/api/srp): ``account.getPassword`` and ``auth.checkPassword``.

``account.getPassword`` works for a logged-in key and for a key pending after SESSION_PASSWORD_NEEDED; with a
password it issues a fresh SRP challenge (``srp_id``, ``srp_B``). ``auth.checkPassword`` (pending keys only,
else AUTH_KEY_UNREGISTERED) takes ``inputCheckPasswordSRP``: SRP_ID_INVALID unless ``srp_id`` is the last
one issued, SRP_A_INVALID for a malformed ``A``, PASSWORD_HASH_INVALID when ``M1`` does not prove the
password; success logs the key in (``auth.authorization``). Wrong passwords are counted per account (from
any key): past the free ones the account's checkPassword answers FLOOD_WAIT_X, X growing with each further
failure (``LoginLimits.password_failures``), even for the right password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.passwords import new_challenge, password_info, valid_srp_a
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import account as t_account
from tgfleet.tl.types import auth as t_auth

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _pending_account(world: World, ctx: CallContext) -> Account | None:
    pending = world.auths.pending(ctx.auth_key_id)
    if pending is None or pending.dc != ctx.dc_id:
        return None
    return world.accounts.get(pending.user_id)


async def get_password(world: World, ctx: CallContext, request: f_account.GetPassword) -> t_account.Password:
    account = _pending_account(world, ctx) or world.authorized(ctx)
    if account.password is not None:
        account.srp = new_challenge(account.password, world.random)
    return password_info(account.password, account.srp, world.random)


async def check_password(world: World, ctx: CallContext, request: f_auth.CheckPassword) -> t_auth.Authorization:
    account = _pending_account(world, ctx)
    if account is None:
        raise errors.AuthKeyUnregistered()
    world.login_guard.check_account(account.id)
    check = request.password
    if not isinstance(check, types.InputCheckPasswordSRP) or account.password is None:
        world.login_guard.password_failed(account.id)
        raise errors.PasswordHashInvalid()
    if account.srp is None or check.srp_id != account.srp.srp_id:
        raise errors.SrpIdInvalid()
    if not valid_srp_a(check.A):
        raise errors.SrpAInvalid()
    if not account.srp.server.check(check.A, check.M1):
        world.login_guard.password_failed(account.id)
        raise errors.PasswordHashInvalid()
    world.login_guard.password_ok(account.id)
    return world.sign_in(ctx, account)


HANDLERS: dict[type, ServiceFn] = {
    f_account.GetPassword: get_password,
    f_auth.CheckPassword: check_password,
}
