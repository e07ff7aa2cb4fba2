"""Login brute-force protection of the world, on a fake clock: code hashes bound to their auth key, codes that
die after a few wrong tries, growing FLOOD_WAITs for wrong codes (per number) and wrong 2FA passwords (per
account), the daily code quota (PHONE_NUMBER_FLOOD), and the control API that configures and resets them.

The same rules seen by real clients over the network: tests/client/test_auth_flows.py (tgfleet.Client) and
tests/interop/test_telethon.py (Telethon).
"""

from __future__ import annotations

from typing import Any

import pytest

from tgfleet import errors
from tgfleet.crypto.dh import DH_PRIME, to_256
from tgfleet.sandbox.codes import NoLoginCode
from tgfleet.sandbox.login_limits import DAY, Lockout, LoginLimits
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

from .test_services_password import code_step, srp_answer
from .world_helpers import START, Caller, make_env

PHONE = "15550100001"
DEFAULTS = LoginLimits()


def sign_in(phone_code_hash: str, code: str, phone: str = PHONE) -> f_auth.SignIn:
    return f_auth.SignIn(phone_number=phone, phone_code_hash=phone_code_hash, phone_code=code)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


async def new_code(caller: Caller, phone: str = PHONE) -> tuple[str, str]:
    """sendCode from ``caller``: (its hash, the code)."""
    sent = await caller(caller.send_code(phone))
    return sent.phone_code_hash, caller.world.login_code(phone)


async def test_a_code_hash_works_only_from_the_key_that_asked_for_it() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, "Alice", dc=1)
    owner, other = env.caller(1), env.caller(1)
    phone_code_hash, code = await new_code(owner)
    await other.fails(sign_in(phone_code_hash, code), "PHONE_CODE_EXPIRED", 400)  # even with the right code
    await other.fails(f_auth.ResendCode(phone_number=PHONE, phone_code_hash=phone_code_hash), "PHONE_CODE_EXPIRED")
    await other.fails(f_auth.CancelCode(phone_number=PHONE, phone_code_hash=phone_code_hash), "PHONE_CODE_EXPIRED")
    assert env.world.user_of(other.auth_key_id) is None
    result = await owner(sign_in(phone_code_hash, code))  # the refused tries did not use it up
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id


async def test_a_code_dies_after_its_wrong_tries_and_a_resend_keeps_the_count() -> None:
    env = make_env()
    env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    tries = DEFAULTS.code_attempts
    assert tries is not None and tries >= 2
    phone_code_hash, code = await new_code(caller)
    for _ in range(tries - 1):
        await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID", 400)
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_EXPIRED", 400)  # that one used it up
    await caller.fails(sign_in(phone_code_hash, code), "PHONE_CODE_EXPIRED")
    await caller.fails(f_auth.ResendCode(phone_number=PHONE, phone_code_hash=phone_code_hash), "PHONE_CODE_EXPIRED")
    with pytest.raises(NoLoginCode):
        env.world.login_code(PHONE)

    phone_code_hash, code = await new_code(caller)  # a new sendCode is a new code with its own tries
    for _ in range(tries - 1):
        await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    await caller(f_auth.ResendCode(phone_number=PHONE, phone_code_hash=phone_code_hash))
    resent = env.world.login_code(PHONE)
    await caller.fails(sign_in(phone_code_hash, wrong(resent)), "PHONE_CODE_EXPIRED")  # same hash, same count


async def flood_wait(caller: Caller, request: Any) -> int:
    """Call and expect 420 FLOOD_WAIT_X; X."""
    with pytest.raises(errors.FloodWait) as caught:
        await caller(request)
    assert caught.value.code == 420 and caught.value.value is not None
    return caught.value.value


async def test_wrong_codes_lock_the_number_for_a_growing_flood_wait() -> None:
    rule = Lockout(free=4, first_wait=60, factor=2)
    env = make_env(login_limits=LoginLimits(code_attempts=None, code_failures=rule, codes_per_day=None))
    alice = env.world.add_user(PHONE, dc=1)
    attacker, owner = env.caller(1), env.caller(1)
    phone_code_hash, code = await new_code(attacker)
    for _ in range(rule.free):
        await attacker.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    waits = []
    for _ in range(3):
        await attacker.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")  # counted: it locks
        wait = await flood_wait(attacker, sign_in(phone_code_hash, code))  # now even the right code is refused
        assert await flood_wait(owner, owner.send_code(PHONE)) == wait  # for every key, and sendCode too
        env.clock.advance(wait // 2)
        assert await flood_wait(attacker, sign_in(phone_code_hash, code)) == wait // 2  # X counts down
        env.clock.advance(wait // 2)
        waits.append(wait)
    assert waits == [rule.wait_after(rule.free + k) for k in (1, 2, 3)] == [60, 120, 240]

    phone_code_hash, code = await new_code(owner)  # the lock is over: the right code works
    result = await owner(sign_in(phone_code_hash, code))
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id
    phone_code_hash, code = await new_code(attacker)
    await attacker.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")  # would lock, but the
    assert isinstance(await attacker(sign_in(phone_code_hash, code)), t_auth.Authorization)  # success forgot all


async def test_guessing_that_waits_out_every_flood_wait_gets_a_few_dozen_tries_a_day() -> None:
    """The reported attack found a code after 47,651 guesses in 51 s; guessing that waits out every
    FLOOD_WAIT now gets at most ``codes_per_day * code_attempts`` guesses looked at in 24 hours."""
    env = make_env()
    env.world.add_user(PHONE, dc=1)
    attacker = env.caller(1)
    looked_at, waits, quota_hit, phone_code_hash, guess = 0, [], 0, None, 0
    for _ in range(5000):
        if env.clock.now - START >= DAY:
            break
        try:
            if phone_code_hash is None:
                phone_code_hash = (await attacker(attacker.send_code(PHONE))).phone_code_hash
            guess += 1
            await attacker(sign_in(phone_code_hash, f"{guess:05d}"))
            pytest.fail(f"guess {guess} logged in")
        except errors.FloodWait as e:
            assert e.value is not None
            waits.append(e.value)
            env.clock.advance(e.value)
        except errors.PhoneNumberFlood:
            quota_hit += 1
            env.clock.advance(3600)
        except (errors.PhoneCodeInvalid, errors.PhoneCodeExpired) as e:
            looked_at += 1  # (an EXPIRED may also be a code that lived too long while the attacker waited)
            if isinstance(e, errors.PhoneCodeExpired):
                phone_code_hash = None
    assert env.clock.now - START >= DAY
    assert DEFAULTS.codes_per_day is not None and DEFAULTS.code_attempts is not None
    assert looked_at <= DEFAULTS.codes_per_day * DEFAULTS.code_attempts
    assert len(waits) >= 3 and waits == sorted(set(waits))  # each lock longer than the one before
    assert quota_hit > 0


def wrong_proof(info: Any) -> types.InputCheckPasswordSRP:
    """An SRP answer to ``info``'s challenge that proves no password (what any wrong password amounts to)."""
    return types.InputCheckPasswordSRP(srp_id=info.srp_id, A=to_256(pow(3, 2**200 + 1, DH_PRIME)), M1=bytes(32))


async def check(caller: Caller, password: str | None) -> Any:
    """account.getPassword + auth.checkPassword with ``password`` (None: a wrong proof, cheaply)."""
    info = await caller(f_account.GetPassword())
    proof = wrong_proof(info) if password is None else srp_answer(info, password)
    return await caller(f_auth.CheckPassword(password=proof))


async def test_wrong_passwords_lock_the_account_for_a_growing_flood_wait() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, password="right", dc=2)
    rule = env.world.login_limits.password_failures
    assert rule is not None
    guesser, owner = env.caller(2), env.caller(2)
    await code_step(guesser, PHONE)
    for _ in range(rule.free + 1):  # the last one locks
        with pytest.raises(errors.PasswordHashInvalid):
            await check(guesser, None)
    with pytest.raises(errors.FloodWait) as locked:
        await check(guesser, "right")  # even the right password
    assert locked.value.value == rule.first_wait
    await code_step(owner, PHONE)  # the lock is the account's, not the key's
    with pytest.raises(errors.FloodWait):
        await check(owner, "right")
    env.clock.advance(rule.first_wait)
    with pytest.raises(errors.PasswordHashInvalid):
        await check(guesser, None)
    with pytest.raises(errors.FloodWait) as longer:
        await check(guesser, None)
    assert longer.value.value == rule.first_wait * rule.factor
    env.clock.advance(rule.first_wait * rule.factor)
    result = await check(owner, "right")
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id


async def test_the_daily_code_quota_gives_phone_number_flood() -> None:
    env = make_env()
    env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    per_day = DEFAULTS.codes_per_day
    assert per_day is not None
    for _ in range(per_day):
        await caller(caller.send_code(PHONE))
        env.clock.advance(60)
    await caller.fails(caller.send_code(PHONE), "PHONE_NUMBER_FLOOD", 400)
    await env.caller(1).fails(caller.send_code(PHONE), "PHONE_NUMBER_FLOOD")  # per number, not per key
    other = env.world.add_user("15550100002", dc=1).phone
    await env.caller(1).login(other)  # other numbers are not affected
    env.clock.advance(DAY - 60 * per_day)  # the first code of the day is 24 h old now
    phone_code_hash, code = await new_code(caller)
    assert isinstance(await caller(sign_in(phone_code_hash, code)), t_auth.Authorization)
    await caller.fails(caller.send_code(PHONE), "PHONE_NUMBER_FLOOD")  # the other four still count


async def test_a_legitimate_login_on_the_first_or_second_try() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=1)
    first = await env.caller(1).login(PHONE)
    assert first.id == alice.id
    caller = env.caller(1)
    phone_code_hash, code = await new_code(caller)
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    result = await caller(sign_in(phone_code_hash, code))
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id


async def test_limits_are_configurable_and_resettable() -> None:
    env = make_env()
    env.world.add_user(PHONE, password="pw", dc=1)
    caller = env.caller(1)
    assert env.world.login_limits == LoginLimits()
    env.world.set_login_limits(LoginLimits.off())
    phone_code_hash, code = await new_code(caller)
    for _ in range(50):
        await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    for _ in range(10):
        await caller(caller.send_code(PHONE))

    env.world.set_login_limits(LoginLimits(code_failures=Lockout(free=0)))
    phone_code_hash, code = await new_code(caller)
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    await caller.fails(caller.send_code(PHONE), "FLOOD_WAIT_60")
    env.world.reset_login_limits("+1 555 010 0001")
    await code_step(caller, PHONE)  # unlocked, and the quota is fresh
    env.world.set_login_limits(LoginLimits(password_failures=Lockout(free=0)))
    with pytest.raises(errors.PasswordHashInvalid):
        await check(caller, None)
    with pytest.raises(errors.FloodWait):
        await check(caller, "pw")
    env.world.reset_login_limits()
    assert isinstance(await check(caller, "pw"), t_auth.Authorization)
    with pytest.raises(ValueError, match="malformed"):
        env.world.reset_login_limits("12")
    with pytest.raises(TypeError, match="LoginLimits"):
        env.world.set_login_limits({"codes_per_day": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="LoginLimits"):
        make_env(login_limits={"codes_per_day": 1})  # the world's constructor checks them too


@pytest.mark.parametrize(
    "make",
    [
        lambda: LoginLimits(code_attempts=0),
        lambda: LoginLimits(codes_per_day=-1),
        lambda: LoginLimits(max_tracked=0),
        lambda: Lockout(first_wait=0),
        lambda: Lockout(factor=0.5),
        lambda: Lockout(free=-1),
        lambda: Lockout(first_wait=10, max_wait=5),
        lambda: Lockout(forget_after=0),
    ],
)
def test_nonsense_limits_are_refused(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


async def test_forgotten_failures_and_bounded_tables() -> None:
    rule = Lockout(free=1, forget_after=3600)
    limits = LoginLimits(code_attempts=None, code_failures=rule, max_tracked=2)
    env = make_env(code_lifetime=DAY, login_limits=limits)
    env.world.add_user(PHONE, dc=1)
    caller = env.caller(1)
    phone_code_hash, code = await new_code(caller)
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")  # free
    env.clock.advance(3600)  # forgotten: the next one is free again
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")
    await caller.fails(sign_in(phone_code_hash, wrong(code)), "PHONE_CODE_INVALID")  # locks
    await caller.fails(sign_in(phone_code_hash, code), "FLOOD_WAIT_60")
    for n in (2, 3):  # memory is bounded: two more numbers push the least recent one out of a table of two
        other = f"1555010000{n}"
        helper = env.caller(env.world.accounts.home_dc_of(other))
        other_hash, other_code = await new_code(helper, other)
        await helper.fails(sign_in(other_hash, wrong(other_code), other), "PHONE_CODE_INVALID")
    result = await caller(sign_in(phone_code_hash, code))  # its count started over
    assert isinstance(result, t_auth.Authorization)
