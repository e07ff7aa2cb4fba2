"""start() from callbacks (code, 2FA, sign-up for a new number), resend_code and log_out; the sandbox's login
limits as a client sees them: wrong codes asked again, an expired code replaced, FLOOD_WAIT reported, a code
hash refused from another session, guessing codes from ten keys or passwords getting nowhere, the daily
code quota. (The rules themselves, on a fake clock: tests/sandbox/test_login_limits.py.)"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tgfleet import Client
from tgfleet.client.methods.auth import MAX_CODE_ANSWERS
from tgfleet.errors import (
    AuthKeyUnregistered,
    FloodWait,
    PasswordHashInvalid,
    PhoneCodeExpired,
    PhoneCodeInvalid,
    PhoneNumberFlood,
    RPCError,
    SessionPasswordNeeded,
)
from tgfleet.sandbox import LoginLimits
from tgfleet.sandbox.accounts import SERVICE_USER_ID
from tgfleet.sandbox.codes import NoLoginCode
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in, login, make_client

LIMITS = LoginLimits()
CODE_TRIES = LIMITS.code_attempts or 0
FREE_CODE_FAILURES = LIMITS.code_failures.free if LIMITS.code_failures else 0
FREE_PASSWORD_FAILURES = LIMITS.password_failures.free if LIMITS.password_failures else 0


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


async def test_start_with_callbacks_logs_in_through_2fa() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15551000001", first_name="Ray", password="hunter2", dc=2)
        prompts: list[str] = []

        async def code(prompt: str) -> str:
            prompts.append(prompt)
            return tg.login_code(user.phone)

        client = make_client(tg)
        started = await client.start(
            phone_number=user.phone, code=code, password=lambda p: prompts.append(p) or "hunter2"
        )
        assert started is client and client.me.id == user.id and client.me.is_self
        assert prompts == ["Enter confirmation code: ", "Enter 2FA password: "]
        again = await client.start()  # already logged in: no prompts, just the account
        assert again is client and client.me.id == user.id and len(prompts) == 2
        await client.disconnect()


async def test_start_raises_for_a_fixed_wrong_password() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000002", first_name="Sue", password="right", dc=1)
        client = make_client(tg)
        with pytest.raises(PasswordHashInvalid):
            await client.start(phone_number=user.phone, code=lambda _: tg.login_code(user.phone), password="wrong")
        await client.disconnect()


async def test_start_signs_up_a_new_number() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        phone = "+15551000003"
        client = make_client(tg)
        me = (await client.start(phone_number=phone, code=lambda _: tg.login_code(phone), first_name="New")).me
        assert me.first_name == "New" and (await client.get_me()).id == me.id
        await client.disconnect()


async def test_resend_code_and_log_out() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000004", first_name="Tom", dc=1)
        client = make_client(tg)
        await client.connect()
        sent = await client.send_code(user.phone)
        again = await client.resend_code(user.phone, sent.phone_code_hash)
        assert again.phone_code_hash == sent.phone_code_hash and again.type.name == sent.next_type.name
        assert again.type is not None
        await client.sign_in(user.phone, sent.phone_code_hash, tg.login_code(user.phone))
        other = await logged_in(tg, user.phone, name="other")
        assert await client.log_out()
        assert not client.storage.is_open  # disconnected and wiped
        assert len(tg.world.authorizations_of(user.id)) == 1  # only the other session remains
        await other.disconnect()


async def test_a_logged_out_session_string_is_refused_promptly() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000005", first_name="Uma", dc=1)
        client = await logged_in(tg, user.phone)
        string = await client.export_session_string()
        await client.log_out()
        restored = make_client(tg, session_string=string)
        with pytest.raises(AuthKeyUnregistered):
            await restored.connect()
        assert not restored.storage.is_open


async def test_start_asks_again_after_a_wrong_code_and_sends_a_new_one_when_it_expires() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000006", first_name="Val", dc=1)
        prompts: list[str] = []

        def code(prompt: str) -> str:
            prompts.append(prompt)
            live = tg.login_code(user.phone)
            return live if len(prompts) > CODE_TRIES else wrong(live)  # the first code gets only wrong ones

        client = make_client(tg)
        assert (await client.start(phone_number=user.phone, code=code)).me.id == user.id
        assert prompts == [
            "Enter confirmation code: ",
            *["Wrong code, enter it again: "] * (CODE_TRIES - 1),
            "That code expired; a new one was sent via SMS: ",
        ]
        assert len(tg.messages_of(user.id, SERVICE_USER_ID)) == 2  # two codes were sent
        await client.disconnect()


async def test_start_reports_a_flood_wait_instead_of_looping() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000007", first_name="Wes", dc=1)
        prompts: list[str] = []

        def always_wrong(prompt: str) -> str:
            prompts.append(prompt)
            return wrong(tg.login_code(user.phone))

        client = make_client(tg)
        with pytest.raises(FloodWait) as caught:
            await client.start(phone_number=user.phone, code=always_wrong)
        assert caught.value.value == 60 and "try again in 60 s" in str(caught.value)
        # every answer up to the one that locked the number was looked at; the next one was refused
        assert len(prompts) == FREE_CODE_FAILURES + 2 <= MAX_CODE_ANSWERS
        assert tg.world.authorizations_of(user.id) == []
        other = make_client(tg, "other")
        with pytest.raises(FloodWait):  # the number stays locked, for every session
            await other.start(phone_number=user.phone, code=always_wrong)
        await asyncio.gather(client.disconnect(), other.disconnect())


async def test_start_with_a_fixed_wrong_code_raises_at_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000008", first_name="Xia", dc=1)
        client = make_client(tg)
        with pytest.raises(PhoneCodeInvalid):
            await client.start(phone_number=user.phone, code="wrong")
        await client.disconnect()


async def test_a_code_hash_from_another_session_is_refused() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000009", first_name="Yan", dc=1)
        asking, other = make_client(tg, "asking"), make_client(tg, "other")
        await asyncio.gather(asking.connect(), other.connect())
        sent = await asking.send_code(user.phone)
        with pytest.raises(PhoneCodeExpired):  # another auth key: even the right code is refused
            await other.sign_in(user.phone, sent.phone_code_hash, tg.login_code(user.phone))
        with pytest.raises(PhoneCodeExpired):
            await other.resend_code(user.phone, sent.phone_code_hash)
        me = await asking.sign_in(user.phone, sent.phone_code_hash, tg.login_code(user.phone))
        assert me.id == user.id  # the refused tries did not use the code up
        await asyncio.gather(asking.disconnect(), other.disconnect())


def _live_code(tg: Sandbox, phone: str, fallback: str) -> str:
    try:
        return tg.login_code(phone)
    except NoLoginCode:
        return fallback


async def test_code_guessing_from_ten_keys_never_gets_in() -> None:
    """The reported attack at a tenth of its keys and a hundredth of its guesses: ten sessions share the
    hash one of them asked for, spray 300 wrong codes, ask for codes of their own when theirs expire, and
    each ends with the live code itself (a lucky guess). None gets in: the sandbox looks at no more than
    the free wrong codes plus the one that locks the number, and refuses the rest (PHONE_CODE_EXPIRED,
    FLOOD_WAIT); the attackers soon run out of codes for the day (PHONE_NUMBER_FLOOD)."""
    async with Sandbox(dcs=1, default_dc=1) as tg:
        victim = tg.add_user(phone="+15551000010", first_name="Zoe", dc=1)
        attackers = [make_client(tg, f"attacker{i}", sleep_threshold=0) for i in range(10)]
        await asyncio.gather(*(a.connect() for a in attackers))
        shared = (await attackers[0].send_code(victim.phone)).phone_code_hash
        real = tg.login_code(victim.phone)
        guesses = [f"{n:05d}" for n in range(301) if f"{n:05d}" != real][:300]
        seen: Counter[str] = Counter()

        async def attack(client: Client, block: list[str]) -> None:
            phone_code_hash = shared
            for guess in [*block, None]:
                try:
                    code = guess or _live_code(tg, victim.phone, real)
                    await client.sign_in(victim.phone, phone_code_hash, code)
                    seen["logged in"] += 1
                except RPCError as e:
                    seen[type(e).__name__] += 1
                    if isinstance(e, PhoneCodeExpired):
                        try:
                            phone_code_hash = (await client.send_code(victim.phone)).phone_code_hash
                        except RPCError as refused:
                            seen[f"send_code {type(refused).__name__}"] += 1

        await asyncio.gather(*(attack(a, guesses[i::10]) for i, a in enumerate(attackers)))
        assert seen["logged in"] == 0 and tg.world.authorizations_of(victim.id) == []
        assert sum(n for k, n in seen.items() if not k.startswith("send_code")) == 310
        assert seen["PhoneCodeInvalid"] <= FREE_CODE_FAILURES + 1
        refused = seen["PhoneCodeExpired"] + seen["FloodWait"]  # a hash of another key, dead, or a locked number
        assert seen["PhoneCodeInvalid"] + refused == 310
        assert seen["send_code PhoneNumberFlood"] + seen["send_code FloodWait"] > 0  # no endless fresh codes

        tg.world.reset_login_limits(victim.phone)  # the owner's turn (in real life: after the wait)
        owner = await logged_in(tg, victim.phone, "owner")
        assert (await owner.get_me()).id == victim.id
        await asyncio.gather(owner.disconnect(), *(a.disconnect() for a in attackers))


async def test_password_guessing_gets_flood_wait() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000011", first_name="Ada", password="right", dc=1)
        client = make_client(tg)
        await client.connect()
        with pytest.raises(SessionPasswordNeeded):
            await login(client, tg, user.phone)
        for _ in range(FREE_PASSWORD_FAILURES + 1):
            with pytest.raises(PasswordHashInvalid):
                await client.check_password("wrong")
        with pytest.raises(FloodWait) as caught:
            await client.check_password("right")  # locked: even the right password
        assert 50 < caught.value.value <= 60  # the 60 s lockout, less the (real) time since the last failure
        assert tg.world.authorizations_of(user.id) == []
        await client.disconnect()


async def test_the_daily_code_quota_gives_phone_number_flood() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000012", first_name="Bea", dc=1)
        client = make_client(tg)
        await client.connect()
        for _ in range(LIMITS.codes_per_day or 0):
            await client.send_code(user.phone)
        with pytest.raises(PhoneNumberFlood) as caught:
            await client.send_code(user.phone)
        assert caught.value.code == 400
        fresh = make_client(tg, "fresh")
        with pytest.raises(PhoneNumberFlood):  # start() too: per number, not per session
            await fresh.start(phone_number=user.phone, code=lambda _: "00000")
        await asyncio.gather(client.disconnect(), fresh.disconnect())
