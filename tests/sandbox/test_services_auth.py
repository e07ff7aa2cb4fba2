"""Login with a code: sendCode / resendCode / cancelCode / signIn / signUp / logOut, every error from its cause."""

from __future__ import annotations

from tgfleet.sandbox.accounts import SERVICE_USER_ID
from tgfleet.tl import types
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import auth as t_auth

from .world_helpers import API_HASH, API_ID, make_env

PHONE = "+15550100001"


def sign_in(phone: str, phone_code_hash: str, code: str | None) -> f_auth.SignIn:
    return f_auth.SignIn(phone_number=phone, phone_code_hash=phone_code_hash, phone_code=code)


async def test_send_code_errors() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=2)
    home, other = env.caller(2), env.caller(1)
    await home.fails(home.send_code("+1555-abc"), "PHONE_NUMBER_INVALID", 400)
    await home.fails(home.send_code("123"), "PHONE_NUMBER_INVALID", 400)
    bad_id = f_auth.SendCode(phone_number=PHONE, api_id=API_ID + 1, api_hash=API_HASH, settings=types.CodeSettings())
    await home.fails(bad_id, "API_ID_INVALID", 400)
    bad_hash = f_auth.SendCode(phone_number=PHONE, api_id=API_ID, api_hash="0" * 32, settings=types.CodeSettings())
    await home.fails(bad_hash, "API_ID_INVALID", 400)
    error = await other.fails(other.send_code(alice.phone), "PHONE_MIGRATE_2", 303)
    assert error.value == 2
    await home.fails(home.send_code("42777"), "PHONE_NUMBER_INVALID")


async def test_unknown_number_gets_an_sms_code_on_its_home_dc() -> None:
    env = make_env()
    phone = "15550109999"
    caller = env.caller(env.world.accounts.home_dc_of(phone))
    sent = await caller(caller.send_code(phone))
    assert isinstance(sent, t_auth.SentCode)
    assert sent.type == t_auth.SentCodeTypeSms(length=5)
    assert sent.next_type == t_auth.CodeTypeCall() and sent.timeout == 60
    assert len(sent.phone_code_hash) == 18 and int(sent.phone_code_hash, 16) >= 0
    assert env.delivery.pushes == []


async def test_code_arrives_in_the_app_from_777000_when_logged_in_elsewhere() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    phone_app, laptop = env.caller(1), env.caller(1)
    await phone_app.login(alice.phone)
    [first] = env.delivery.to(alice.id)
    assert isinstance(first.updates, types.Updates)  # the first message from 777000 carries its user
    [update] = first.updates.updates
    assert isinstance(update, types.UpdateNewMessage) and isinstance(update.message, types.Message)
    assert update.message.peer_id == types.PeerUser(user_id=SERVICE_USER_ID) and not update.message.out
    assert [u.id for u in first.updates.users] == [SERVICE_USER_ID]
    sent = await laptop(laptop.send_code(alice.phone))
    assert sent.type == t_auth.SentCodeTypeApp(length=5) and sent.next_type == t_auth.CodeTypeSms()
    code = env.world.login_code(alice.phone)
    push = env.delivery.to(alice.id)[-1]
    assert isinstance(push.updates, types.UpdateShortMessage) and push.except_auth_key_id is None
    assert push.updates.user_id == SERVICE_USER_ID and not push.updates.out
    assert push.updates.message.startswith(f"Login code: {code}. Do not give this code to anyone")
    assert push.updates.pts == 3 and push.updates.pts_count == 1
    history = env.world.messages_of(alice.id)
    assert [m.sender_id for m in history] == [SERVICE_USER_ID] * 2 and code in history[-1].text


async def test_sign_in_errors() -> None:
    env = make_env(code_lifetime=300)
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    caller = env.caller(1)
    sent = await caller(caller.send_code(PHONE))
    code = env.world.login_code(PHONE)
    wrong = f"{(int(code) + 1) % 100000:05d}"
    await caller.fails(sign_in(PHONE, "", code), "PHONE_CODE_HASH_EMPTY", 400)
    await caller.fails(sign_in(PHONE, sent.phone_code_hash, None), "PHONE_CODE_EMPTY", 400)
    await caller.fails(sign_in(PHONE, sent.phone_code_hash, ""), "PHONE_CODE_EMPTY", 400)
    await caller.fails(sign_in("12", sent.phone_code_hash, code), "PHONE_NUMBER_INVALID", 400)
    await caller.fails(sign_in(PHONE, sent.phone_code_hash, wrong), "PHONE_CODE_INVALID", 400)
    await caller.fails(sign_in(PHONE, "deadbeef", code), "PHONE_CODE_EXPIRED", 400)
    await env.caller(2).fails(sign_in(PHONE, sent.phone_code_hash, code), "PHONE_MIGRATE_1", 303)
    env.clock.advance(300)
    await caller.fails(sign_in(PHONE, sent.phone_code_hash, code), "PHONE_CODE_EXPIRED", 400)
    assert env.world.user_of(caller.auth_key_id) is None
    again = await caller(caller.send_code(PHONE))
    newer = await caller(caller.send_code(PHONE))
    await caller.fails(sign_in(PHONE, again.phone_code_hash, env.world.login_code(PHONE)), "PHONE_CODE_EXPIRED")
    result = await caller(sign_in(PHONE, newer.phone_code_hash, env.world.login_code(PHONE)))
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id


async def test_full_login_with_code() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", "Smith", username="alice", dc=3)
    caller = env.caller(3)
    sent = await caller(caller.send_code("+1 555 010 0001"))
    code = env.world.login_code(PHONE)
    result = await caller(sign_in(PHONE, sent.phone_code_hash, code))
    assert isinstance(result, t_auth.Authorization)
    user = result.user
    assert isinstance(user, types.User)
    assert user.is_self and user.id == alice.id and user.phone == "15550100001"
    assert (user.first_name, user.last_name, user.username) == ("Alice", "Smith", "alice")
    assert user.access_hash == alice.access_hash(alice.id)
    assert env.world.user_of(caller.auth_key_id) == alice.id
    [authorization] = env.world.authorizations_of(alice.id)
    assert authorization.dc == 3 and authorization.created == env.clock.now
    await caller.fails(sign_in(PHONE, sent.phone_code_hash, code), "PHONE_CODE_EXPIRED")  # consumed
    state = await caller(f_updates.GetState())
    assert state.pts >= 1


async def test_sign_up_path() -> None:
    env = make_env()
    phone = "15550107777"
    caller = env.caller(env.world.accounts.home_dc_of(phone))
    sent = await caller(caller.send_code(phone))
    code = env.world.login_code(phone)
    sign_up = f_auth.SignUp(phone_number=phone, phone_code_hash=sent.phone_code_hash, first_name="New", last_name="")
    await caller.fails(sign_up, "PHONE_CODE_INVALID")  # the code was never verified by signIn
    result = await caller(sign_in(phone, sent.phone_code_hash, code))
    assert isinstance(result, t_auth.AuthorizationSignUpRequired)
    assert env.world.user_of(caller.auth_key_id) is None
    nameless = f_auth.SignUp(phone_number=phone, phone_code_hash=sent.phone_code_hash, first_name=" ", last_name="")
    await caller.fails(nameless, "FIRSTNAME_INVALID")
    long_last = f_auth.SignUp(
        phone_number=phone, phone_code_hash=sent.phone_code_hash, first_name="New", last_name="x" * 65
    )
    await caller.fails(long_last, "LASTNAME_INVALID")
    await caller.fails(
        f_auth.SignUp(phone_number=phone, phone_code_hash="", first_name="New", last_name=""), "PHONE_CODE_HASH_EMPTY"
    )
    created = await caller(sign_up)
    assert isinstance(created, t_auth.Authorization) and created.user.is_self
    user_id = created.user.id
    assert env.world.user_of(caller.auth_key_id) == user_id
    assert env.world.is_new_account(user_id) and env.world.home_dc(user_id) == caller.dc
    assert env.world.user(user_id).first_name == "New"
    await caller.fails(sign_up, "PHONE_NUMBER_OCCUPIED")


async def test_resend_and_cancel_code() -> None:
    env = make_env()
    env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    sent = await caller(caller.send_code(PHONE))
    first = env.world.login_code(PHONE)
    resend = f_auth.ResendCode(phone_number=PHONE, phone_code_hash=sent.phone_code_hash)
    again = await caller(resend)
    assert again.type == t_auth.SentCodeTypeCall(length=5) and again.next_type is None and again.timeout is None
    assert again.phone_code_hash == sent.phone_code_hash
    assert env.world.login_code(PHONE) != first
    await caller.fails(resend, "SEND_CODE_UNAVAILABLE", 406)
    await caller.fails(f_auth.ResendCode(phone_number=PHONE, phone_code_hash=""), "PHONE_CODE_HASH_EMPTY")
    await caller.fails(f_auth.ResendCode(phone_number=PHONE, phone_code_hash="00"), "PHONE_CODE_EXPIRED")
    cancel = f_auth.CancelCode(phone_number=PHONE, phone_code_hash=sent.phone_code_hash)
    assert await caller(cancel) is True
    await caller.fails(cancel, "PHONE_CODE_EXPIRED")


async def test_log_out() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    await caller.fails(f_auth.LogOut(), "AUTH_KEY_UNREGISTERED", 401)
    await caller.login(alice.phone)
    logged_out = await caller(f_auth.LogOut())
    assert isinstance(logged_out, t_auth.LoggedOut) and len(logged_out.future_auth_token) == 32
    assert env.world.user_of(caller.auth_key_id) is None
    await caller.fails(f_updates.GetState(), "AUTH_KEY_UNREGISTERED", 401)
