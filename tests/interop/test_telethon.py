"""Telethon 1.45 (an independent MTProto client) against the sandbox, as a user would drive it: a phone-code
login through a 2FA password check, a username lookup, a message that another account receives (on a tgfleet
client's handler, and in the sandbox's world), and Telethon's own errors from the situations that cause them,
the login limits among them (a code hash of another key, codes that die, FLOOD_WAIT for wrong codes and
passwords, PHONE_NUMBER_FLOOD for too many codes).

Complements tests/sandbox/test_server_telethon.py (help.getConfig over each transport; a plain login and a
send). Telethon is pointed at the sandbox by its session's DC address and ``telethon.crypto.rsa.add_key``;
nothing else is patched.

Pyrogram/Kurigram is not part of this suite: it takes the server's RSA key only from a module-level table
(``pyrogram.crypto.rsa.server_public_keys``, consulted in ``pyrogram.session.auth``) and has no option to add
one, so using it against the sandbox means patching its internals, which interop tests must not do. Its
session strings are checked against its own code in test_session_strings.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tgfleet import Client, filters
from tgfleet.sandbox import Limits, LoginLimits, Rate, Sandbox
from tgfleet.tl import functions
from tgfleet.types import Message

from ..client.helpers import logged_in

pytest.importorskip("telethon", minversion="1.45")

from telethon import errors as telethon_errors
from telethon.tl import functions as telethon_functions
from telethon.tl import types as telethon_types

from .helpers import TIMEOUT, bounded, telethon_client


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


async def test_telethon_2fa_login_username_and_a_message_to_a_tgfleet_client() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15553000001", first_name="Alice", password="open sesame", dc=2)
        bob = tg.add_user(phone="+15553000002", first_name="Bob", username="bob_receives", dc=2)

        received: asyncio.Queue[Message] = asyncio.Queue()
        bob_client = await logged_in(tg, bob.phone, "bob")

        @bob_client.on_message(filters.incoming)
        async def on_message(_: Client, message: Message) -> None:
            await received.put(message)

        telethon = telethon_client(tg, 2)
        await bounded(telethon.connect())
        try:
            await bounded(telethon.send_code_request(alice.phone))
            code = tg.login_code(alice.phone)
            with pytest.raises(telethon_errors.PhoneCodeInvalidError):
                await bounded(telethon.sign_in(alice.phone, _wrong(code)))
            with pytest.raises(telethon_errors.SessionPasswordNeededError):
                await bounded(telethon.sign_in(alice.phone, code))
            with pytest.raises(telethon_errors.PasswordHashInvalidError):
                await bounded(telethon.sign_in(password="open sesame!"))
            me = await bounded(telethon.sign_in(password="open sesame"))  # SRP, by Telethon's own code
            assert (me.id, me.first_name, me.phone) == (alice.id, "Alice", alice.phone)
            assert await bounded(telethon.is_user_authorized())

            found = await bounded(telethon.get_entity("bob_receives"))  # contacts.resolveUsername
            assert isinstance(found, telethon_types.User)
            assert (found.id, found.access_hash) == (bob.id, bob.access_hash(alice.id))
            sent = await bounded(telethon.send_message(found, "hi Bob, from Telethon"))
            assert sent.peer_id.user_id == bob.id
        finally:
            await bounded(telethon.disconnect())

        message = await asyncio.wait_for(received.get(), TIMEOUT)
        assert (message.text, message.chat.id, message.from_user.id) == ("hi Bob, from Telethon", alice.id, alice.id)
        await bob_client.disconnect()
        assert [(m.text, m.out) for m in tg.messages_of(bob.id, alice.id)] == [("hi Bob, from Telethon", False)]
        assert [(m.text, m.out) for m in tg.messages_of(alice.id, bob.id)] == [("hi Bob, from Telethon", True)]


async def test_telethon_flood_wait_from_the_rate_limit_and_a_forced_one() -> None:
    async with Sandbox(dcs=1, default_dc=1, limits=Limits(messages=Rate(2, per=60))) as tg:
        alice = tg.add_user(phone="+15553000011", first_name="Alice", dc=1)
        telethon = telethon_client(tg, 1, flood_sleep_threshold=0)  # raise, never sleep
        await bounded(telethon.connect())
        try:
            await bounded(telethon.send_code_request(alice.phone))
            await bounded(telethon.sign_in(alice.phone, tg.login_code(alice.phone)))
            for i in range(2):
                await bounded(telethon.send_message("me", f"m{i}"))
            with pytest.raises(telethon_errors.FloodWaitError) as limited:
                await bounded(telethon.send_message("me", "one too many"))
            assert limited.value.seconds == 30  # one message comes back every 60/2 s

            tg.force_flood(functions.users.GetUsers, 45)
            with pytest.raises(telethon_errors.FloodWaitError) as forced:
                await bounded(telethon.get_me())
            assert forced.value.seconds == 45
            assert (await bounded(telethon.get_me())).id == alice.id  # only that one call was refused
        finally:
            await bounded(telethon.disconnect())
        assert [m.text for m in tg.messages_of(alice.id, alice.id)] == ["m0", "m1"]


RETRY = {"flood_sleep_threshold": 0}
"""Raise FLOOD_WAITs instead of sleeping."""


async def test_telethon_sees_the_code_limits_as_typed_errors() -> None:
    limits = LoginLimits()
    assert limits.code_attempts is not None and limits.code_failures is not None
    async with Sandbox(dcs=1, default_dc=1) as tg:
        bob = tg.add_user(phone="+15553000021", first_name="Bob", dc=1)
        guesser, other = telethon_client(tg, 1, **RETRY), telethon_client(tg, 1, **RETRY)
        await bounded(asyncio.gather(guesser.connect(), other.connect()))
        try:
            sent = await bounded(guesser.send_code_request(bob.phone))
            code = tg.login_code(bob.phone)
            with pytest.raises(telethon_errors.PhoneCodeExpiredError):  # the hash of another auth key
                await bounded(other.sign_in(bob.phone, code, phone_code_hash=sent.phone_code_hash))
            for _ in range(limits.code_attempts - 1):
                with pytest.raises(telethon_errors.PhoneCodeInvalidError):
                    await bounded(guesser.sign_in(bob.phone, _wrong(code)))
            with pytest.raises(telethon_errors.PhoneCodeExpiredError):  # that wrong try used the code up
                await bounded(guesser.sign_in(bob.phone, _wrong(code)))

            answers: Counter[str] = Counter()
            with pytest.raises(telethon_errors.FloodWaitError) as locked:
                for _ in range(3 * limits.code_attempts):  # new codes (Telethon's own resend/send), wrong guesses
                    await bounded(guesser.send_code_request(bob.phone))
                    for _ in range(limits.code_attempts):
                        try:
                            await bounded(guesser.sign_in(bob.phone, _wrong(tg.login_code(bob.phone))))
                        except (telethon_errors.PhoneCodeInvalidError, telethon_errors.PhoneCodeExpiredError) as e:
                            answers[type(e).__name__] += 1
                            if isinstance(e, telethon_errors.PhoneCodeExpiredError):
                                break
            assert locked.value.seconds == limits.code_failures.first_wait
            # every wrong code was looked at (the first code's too), up to the one that locked the number
            assert sum(answers.values()) + limits.code_attempts == limits.code_failures.free + 1
            with pytest.raises(telethon_errors.FloodWaitError):  # the number is locked, for every key
                await bounded(other.send_code_request(bob.phone))
            assert tg.world.authorizations_of(bob.id) == []
        finally:
            await bounded(asyncio.gather(guesser.disconnect(), other.disconnect()))


async def test_telethon_sees_the_password_and_daily_limits_as_typed_errors() -> None:
    limits = LoginLimits()
    assert limits.password_failures is not None and limits.codes_per_day is not None
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15553000022", first_name="Alice", password="pw", dc=1)
        carol = tg.add_user(phone="+15553000023", first_name="Carol", dc=1)
        telethon = telethon_client(tg, 1, **RETRY)
        await bounded(telethon.connect())
        try:
            await bounded(telethon.send_code_request(alice.phone))
            with pytest.raises(telethon_errors.SessionPasswordNeededError):
                await bounded(telethon.sign_in(alice.phone, tg.login_code(alice.phone)))
            for _ in range(limits.password_failures.free + 1):
                with pytest.raises(telethon_errors.PasswordHashInvalidError):
                    await bounded(telethon.sign_in(password="not pw"))
            with pytest.raises(telethon_errors.FloodWaitError) as locked:
                await bounded(telethon.sign_in(password="pw"))  # locked: even the right password
            assert locked.value.seconds == limits.password_failures.first_wait

            send = telethon_functions.auth.SendCodeRequest(
                carol.phone, tg.api_id, tg.api_hash, telethon_types.CodeSettings()
            )
            for _ in range(limits.codes_per_day):
                await bounded(telethon(send))
            with pytest.raises(telethon_errors.PhoneNumberFloodError):
                await bounded(telethon(send))
        finally:
            await bounded(telethon.disconnect())
