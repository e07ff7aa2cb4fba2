"""start() from callbacks (code, 2FA, sign-up for a new number), resend_code and log_out."""

from __future__ import annotations

import pytest

from tgfleet.client.types import SentCodeType
from tgfleet.errors import AuthKeyUnregistered, PasswordHashInvalid
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in, make_client


async def test_start_with_callbacks_logs_in_through_2fa() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15551000001", first_name="Ray", password="hunter2", dc=2)
        prompts: list[str] = []

        async def code(prompt: str) -> str:
            prompts.append(prompt)
            return tg.login_code(user.phone)

        client = make_client(tg)
        me = await client.start(phone_number=user.phone, code=code, password=lambda p: prompts.append(p) or "hunter2")
        assert me.id == user.id and me.is_self
        assert prompts[0].startswith("Login code") and prompts[1].startswith("Two-step")
        again = await client.start()  # already logged in: no prompts, just the account
        assert again.id == user.id and len(prompts) == 2
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
        me = await client.start(phone_number=phone, code=lambda _: tg.login_code(phone), first_name="New")
        assert me.first_name == "New" and (await client.get_me()).id == me.id
        await client.disconnect()


async def test_resend_code_and_log_out() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15551000004", first_name="Tom", dc=1)
        client = make_client(tg)
        await client.connect()
        sent = await client.send_code(user.phone)
        again = await client.resend_code(user.phone, sent.phone_code_hash)
        assert again.phone_code_hash == sent.phone_code_hash and again.type is sent.next_type
        assert again.type is not SentCodeType.UNKNOWN
        await client.sign_in(user.phone, sent.phone_code_hash, tg.login_code(user.phone))
        other = await logged_in(tg, user.phone, name="other")
        assert await client.log_out()
        assert client.storage is None  # disconnected and wiped
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
        assert restored.storage is None
