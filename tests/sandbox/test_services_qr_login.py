"""QR login (exportLoginToken / acceptLoginToken / importLoginToken) and future auth tokens, on the world's handlers
with a fake clock: each outcome and error from its cause."""

from __future__ import annotations

from tgfleet.sandbox.login_tokens import ACCEPTED_LIFETIME, TOKEN_LIFETIME
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

from .world_helpers import API_HASH, API_ID, Caller, make_env

PHONE = "+15550100001"


def export(except_ids: list[int] | None = None) -> f_auth.ExportLoginToken:
    return f_auth.ExportLoginToken(api_id=API_ID, api_hash=API_HASH, except_ids=except_ids or [])


def code_settings(tokens: list[bytes]) -> types.CodeSettings:
    return types.CodeSettings(logout_tokens=tokens)


async def test_accepted_token_logs_the_exporting_key_in_after_update_login_token() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    phone_app, desktop = env.caller(1), env.caller(1)
    await phone_app.login(alice.phone)
    first = await desktop(export())
    assert isinstance(first, t_auth.LoginToken) and first.expires == int(env.clock() + TOKEN_LIFETIME)
    again = await desktop(export())  # a refresh replaces the token: the old one is no longer accepted
    assert again.token != first.token
    await phone_app.fails(f_auth.AcceptLoginToken(token=first.token), "AUTH_TOKEN_INVALID", 400)
    assert env.delivery.key_pushes == []
    accepted = await phone_app(f_auth.AcceptLoginToken(token=again.token))
    assert isinstance(accepted, types.Authorization) and accepted.unconfirmed
    [(key, update)] = env.delivery.key_pushes
    assert key == desktop.auth_key_id and isinstance(update, types.UpdateShort)
    assert isinstance(update.update, types.UpdateLoginToken)
    await phone_app.fails(f_auth.AcceptLoginToken(token=again.token), "AUTH_TOKEN_ALREADY_ACCEPTED", 400)
    done = await desktop(export())
    assert isinstance(done, t_auth.LoginTokenSuccess)
    assert done.authorization.user.id == alice.id and env.world.user_of(desktop.auth_key_id) == alice.id
    assert done.authorization.future_auth_token
    fresh = await desktop(export())  # the token was used once: the next export is a new token
    assert isinstance(fresh, t_auth.LoginToken)


async def test_expired_and_unknown_tokens() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    phone_app, desktop = env.caller(1), env.caller(1)
    await phone_app.login(alice.phone)
    await phone_app.fails(f_auth.AcceptLoginToken(token=b"x" * 32), "AUTH_TOKEN_INVALID", 400)
    token = await desktop(export())
    env.clock.advance(TOKEN_LIFETIME + 1)
    await phone_app.fails(f_auth.AcceptLoginToken(token=token.token), "AUTH_TOKEN_EXPIRED", 400)
    await desktop.fails(f_auth.AcceptLoginToken(token=token.token), "AUTH_KEY_UNREGISTERED", 401)
    bad = f_auth.ExportLoginToken(api_id=API_ID + 1, api_hash=API_HASH, except_ids=[])
    await desktop.fails(bad, "API_ID_INVALID", 400)
    await desktop.fails(f_auth.ImportLoginToken(token=token.token), "AUTH_TOKEN_EXPIRED", 400)
    live = await desktop(export())
    await desktop.fails(f_auth.ImportLoginToken(token=live.token), "AUTH_TOKEN_INVALID", 400)  # not accepted
    await phone_app(f_auth.AcceptLoginToken(token=live.token))
    env.clock.advance(ACCEPTED_LIFETIME + 1)
    assert isinstance(await desktop(export()), t_auth.LoginToken)  # too late to take it: a new token


async def test_user_on_another_dc_moves_with_login_token_migrate_to() -> None:
    env = make_env()
    bob = env.world.add_user("+15550100002", "Bob", dc=3)
    phone_app, desktop, desktop_dc3 = env.caller(3), env.caller(1), env.caller(3)
    await phone_app.login(bob.phone)
    token = await desktop(export())
    await phone_app(f_auth.AcceptLoginToken(token=token.token))
    moved = await desktop(export())
    assert moved == t_auth.LoginTokenMigrateTo(dc_id=3, token=token.token)
    wrong = env.caller(2)
    assert await wrong(f_auth.ImportLoginToken(token=token.token)) == moved
    done = await desktop_dc3(f_auth.ImportLoginToken(token=token.token))
    assert isinstance(done, t_auth.LoginTokenSuccess) and env.world.user_of(desktop_dc3.auth_key_id) == bob.id
    await desktop_dc3.fails(f_auth.ImportLoginToken(token=token.token), "AUTH_TOKEN_INVALID", 400)


async def test_two_factor_account_needs_the_password_after_the_token() -> None:
    env = make_env()
    carol = env.world.add_user("+15550100003", "Carol", password="secret", dc=2)
    phone_app = env.caller(2)
    env.world.auths.authorize(phone_app.auth_key_id, carol.id, 2)
    desktop = env.caller(2)
    token = await desktop(export())
    await phone_app(f_auth.AcceptLoginToken(token=token.token))
    await desktop.fails(export(), "SESSION_PASSWORD_NEEDED", 401)
    assert env.world.user_of(desktop.auth_key_id) is None
    password = await desktop(f_account.GetPassword())  # the key is pending: the SRP challenge is given
    assert password.has_password


async def test_except_ids_refuse_an_account_already_on_the_device() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    phone_app, desktop = env.caller(1), env.caller(1)
    await phone_app.login(alice.phone)
    token = await desktop(export([alice.id]))
    await phone_app.fails(f_auth.AcceptLoginToken(token=token.token), "AUTH_TOKEN_ALREADY_ACCEPTED", 400)


async def _login_with_token(caller: Caller, phone: str, tokens: list[bytes]) -> t_auth.TypeSentCode:
    request = f_auth.SendCode(phone_number=phone, api_id=API_ID, api_hash=API_HASH, settings=code_settings(tokens))
    return await caller(request)


async def test_future_auth_token_logs_in_without_a_code_once() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    first = env.caller(1)
    sent = await first(first.send_code(alice.phone))
    code = env.world.login_code(alice.phone)
    auth = await first(f_auth.SignIn(phone_number=PHONE, phone_code_hash=sent.phone_code_hash, phone_code=code))
    token = auth.future_auth_token
    logged_out = await first(f_auth.LogOut())
    assert logged_out.future_auth_token and logged_out.future_auth_token != token
    again = env.caller(1)
    success = await _login_with_token(again, PHONE, [b"\0" * 32, token])
    assert isinstance(success, t_auth.SentCodeSuccess) and success.authorization.user.id == alice.id
    assert env.world.user_of(again.auth_key_id) == alice.id
    third = env.caller(1)
    assert isinstance(await _login_with_token(third, PHONE, [token]), t_auth.SentCode)  # used up: a code
    other = env.world.add_user("+15550100004", "Dave", dc=1)
    not_dave = await _login_with_token(env.caller(1), other.phone, [logged_out.future_auth_token])
    assert isinstance(not_dave, t_auth.SentCode)  # another account's token is worth nothing


async def test_future_auth_token_never_skips_the_password() -> None:
    env = make_env()
    carol = env.world.add_user("+15550100003", "Carol", password="secret", dc=1)
    token = env.world.future_tokens.issue(carol.id)
    sent = await _login_with_token(env.caller(1), carol.phone, [token])
    assert isinstance(sent, t_auth.SentCode)
