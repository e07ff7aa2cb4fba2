"""2FA: SESSION_PASSWORD_NEEDED, account.getPassword, auth.checkPassword with a real SRP client.

The KDF (100000 PBKDF2 rounds) costs ~0.1 s per derivation: the verifier once, the client proof twice.
"""

from __future__ import annotations

from tgfleet.crypto.dh import DH_PRIME, to_256
from tgfleet.crypto.srp import srp_client_check
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import account as t_account
from tgfleet.tl.types import auth as t_auth

from .world_helpers import Caller, make_env

PHONE = "15550100001"


def srp_answer(info: t_account.Password, password: str) -> types.InputCheckPasswordSRP:
    algo = info.current_algo
    assert isinstance(algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
    assert info.srp_B is not None and info.srp_id is not None
    a, m1 = srp_client_check(password, algo.salt1, algo.salt2, algo.g, algo.p, info.srp_B)
    return types.InputCheckPasswordSRP(srp_id=info.srp_id, A=a, M1=m1)


async def code_step(caller: Caller, phone: str) -> None:
    sent = await caller(caller.send_code(phone))
    code = caller.world.login_code(phone)
    await caller.fails(
        f_auth.SignIn(phone_number=phone, phone_code_hash=sent.phone_code_hash, phone_code=code),
        "SESSION_PASSWORD_NEEDED",
        401,
    )


async def test_login_with_2fa() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", password="correct horse", hint="horse", dc=2)
    caller = env.caller(2)
    await caller.fails(f_account.GetPassword(), "AUTH_KEY_UNREGISTERED", 401)
    await code_step(caller, PHONE)
    assert env.world.user_of(caller.auth_key_id) is None  # pending: not logged in
    await caller.fails(f_updates.GetState(), "AUTH_KEY_UNREGISTERED", 401)
    info = await caller(f_account.GetPassword())
    assert isinstance(info, t_account.Password) and info.has_password and info.hint == "horse"
    algo = info.current_algo
    assert isinstance(algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
    assert algo.g == 3 and algo.p == to_256(DH_PRIME) and len(algo.salt1) == 40 and len(algo.salt2) == 16
    assert info.srp_B is not None and len(info.srp_B) == 256
    assert isinstance(info.new_algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
    assert len(info.new_algo.salt1) == 8
    assert isinstance(info.new_secure_algo, types.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000)
    assert len(info.secure_random) == 32

    wrong = srp_answer(info, "wrong horse")
    await caller.fails(f_auth.CheckPassword(password=wrong), "PASSWORD_HASH_INVALID", 400)
    right = srp_answer(info, "correct horse")
    newer = await caller(f_account.GetPassword())
    assert newer.srp_id != info.srp_id and newer.srp_B != info.srp_B
    await caller.fails(f_auth.CheckPassword(password=right), "SRP_ID_INVALID", 400)
    bad_a = types.InputCheckPasswordSRP(srp_id=newer.srp_id, A=b"\x01" * 10, M1=right.M1)
    await caller.fails(f_auth.CheckPassword(password=bad_a), "SRP_A_INVALID", 400)
    await caller.fails(f_auth.CheckPassword(password=types.InputCheckPasswordEmpty()), "PASSWORD_HASH_INVALID")
    await env.caller(2).fails(f_auth.CheckPassword(password=right), "AUTH_KEY_UNREGISTERED", 401)

    result = await caller(f_auth.CheckPassword(password=srp_answer(newer, "correct horse")))
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id and result.user.is_self
    assert env.world.user_of(caller.auth_key_id) == alice.id
    [authorization] = env.world.authorizations_of(alice.id)
    assert authorization.dc == 2 and not authorization.imported
    await caller.fails(f_auth.CheckPassword(password=right), "AUTH_KEY_UNREGISTERED")  # no longer pending
    logged_in_view = await caller(f_account.GetPassword())
    assert logged_in_view.has_password


async def test_get_password_without_2fa() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    await caller.login(alice.phone)
    info = await caller(f_account.GetPassword())
    assert isinstance(info, t_account.Password)
    assert not info.has_password and info.current_algo is None and info.srp_B is None and info.srp_id is None


async def test_revoking_a_pending_key() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, password="pw", dc=1)
    caller = env.caller(1)
    await code_step(caller, PHONE)
    env.world.revoke_user(alice.id)
    await caller.fails(f_account.GetPassword(), "AUTH_KEY_UNREGISTERED")
