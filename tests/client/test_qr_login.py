"""QR login end to end through the sandbox: a second tgfleet client logged in as the user accepts the code as the
user's other device; the token refreshed at its expiry; a user on another DC (loginTokenMigrateTo +
importLoginToken); 2FA after the token; future auth tokens making a re-login need no code; Pyrogram's
``start(use_qr=True)`` logging in by the link it prints."""

from __future__ import annotations

import asyncio
import contextlib
import io

import pytest

from tgfleet.client.methods.qr import login_token_of
from tgfleet.errors import AuthTokenExpired, AuthTokenInvalid, SessionPasswordNeeded
from tgfleet.net.timeouts import within
from tgfleet.sandbox.codes import NoLoginCode
from tgfleet.sandbox.server import Sandbox

from .helpers import logged_in, make_client

WAIT = 20.0
"""Shorter than a token's 30 s: a login must come from updateLoginToken, not from the refresh at expiry."""


async def test_qr_login_accepted_by_the_users_other_session() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15551100001", first_name="Alice", dc=1)
        phone_app = await logged_in(tg, alice.phone, "phone")
        desktop = make_client(tg, "desktop")
        await desktop.connect()
        qr = await desktop.qr_login()
        assert qr.url.startswith("tg://login?token=") and login_token_of(qr.url) == qr.token
        assert qr.expires > 0
        await phone_app.accept_login_token(qr.url)
        me = await qr.wait(timeout=WAIT)
        assert me.id == alice.id and (await desktop.get_me()).id == alice.id
        assert desktop.future_auth_token
        with pytest.raises(AuthTokenInvalid):  # used once: gone
            await phone_app.accept_login_token(qr.token)
        await desktop.disconnect()
        await phone_app.disconnect()


async def test_the_token_is_refreshed_at_its_expiry() -> None:
    async with Sandbox(dcs=1) as tg:
        tg.world.login_token_lifetime = 1.0
        alice = tg.add_user(phone="+15551100002", first_name="Alice")
        phone_app = await logged_in(tg, alice.phone, "phone")
        desktop = make_client(tg, "desktop")
        await desktop.connect()
        qr = await desktop.qr_login()
        first = qr.token
        with pytest.raises(asyncio.TimeoutError):
            await qr.wait(timeout=4.0)  # nobody scans: wait exports a new token at each expiry
        assert qr.token != first
        with pytest.raises((AuthTokenExpired, AuthTokenInvalid)):
            await phone_app.accept_login_token(first)
        tg.world.login_token_lifetime = 30.0
        await qr.recreate()
        await phone_app.accept_login_token(qr.url)
        assert (await qr.wait(timeout=WAIT)).id == alice.id
        await desktop.disconnect()
        await phone_app.disconnect()


async def test_a_user_on_another_dc_is_followed_there() -> None:
    async with Sandbox(dcs=3) as tg:
        bob = tg.add_user(phone="+15551100003", first_name="Bob", dc=3)
        phone_app = await logged_in(tg, bob.phone, "phone")
        desktop = make_client(tg, "desktop")
        await desktop.connect()
        assert desktop.dcs.home_dc != 3
        qr = await desktop.qr_login()
        await phone_app.accept_login_token(qr.url)
        assert (await qr.wait(timeout=WAIT)).id == bob.id
        assert desktop.dcs.home_dc == 3 and (await desktop.get_me()).id == bob.id
        restored = make_client(tg, "restored", session_string=await desktop.export_session_string())
        await restored.connect()
        assert (await restored.get_me()).id == bob.id
        for client in (restored, desktop, phone_app):
            await client.disconnect()


async def test_two_factor_account_finishes_with_check_password() -> None:
    async with Sandbox(dcs=2) as tg:
        carol = tg.add_user(phone="+15551100004", first_name="Carol", password="hunter2", dc=2)
        phone_app = make_client(tg, "phone")
        await phone_app.start(phone_number=carol.phone, code=lambda _: tg.login_code(carol.phone), password="hunter2")
        desktop = make_client(tg, "desktop")
        await desktop.connect()
        qr = await desktop.qr_login()
        await phone_app.accept_login_token(qr.url)
        with pytest.raises(SessionPasswordNeeded):
            await qr.wait(timeout=WAIT)
        assert (await desktop.check_password("hunter2")).id == carol.id
        assert (await desktop.get_me()).id == carol.id
        await desktop.disconnect()
        await phone_app.disconnect()


async def test_future_auth_token_logs_in_again_without_a_code() -> None:
    async with Sandbox(dcs=2) as tg:
        dave = tg.add_user(phone="+15551100005", first_name="Dave", dc=2)
        first = await logged_in(tg, dave.phone, "first")
        kept = [first.future_auth_token]
        await first.log_out()
        kept.append(first.future_auth_token)
        assert all(kept) and kept[0] != kept[1]
        again = make_client(tg, "again")
        await again.connect()
        sent = await again.send_code(dave.phone, future_auth_tokens=kept)
        assert sent.user is not None and sent.user.id == dave.id and not sent.phone_code_hash
        with pytest.raises(NoLoginCode):
            tg.login_code(dave.phone)  # no code was sent for it
        assert (await again.get_me()).id == dave.id
        third = make_client(tg, "third")
        await third.connect()
        assert (await third.send_code(dave.phone, future_auth_tokens=kept)).user is not None  # the other token
        fourth = make_client(tg, "fourth")
        await fourth.connect()
        assert (await fourth.send_code(dave.phone, future_auth_tokens=kept)).user is None  # both used: a code
        for client in (fourth, third, again):
            await client.disconnect()


class Screen(io.StringIO):
    """Standard output while ``start(use_qr=True)`` runs: resolves ``link`` with the first login link printed."""

    def __init__(self) -> None:
        super().__init__()
        self.link: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def write(self, text: str) -> int:
        if "tg://login?token=" in text and not self.link.done():
            self.link.set_result(text.strip())
        return super().write(text)


async def test_start_with_use_qr_logs_in_by_the_printed_link() -> None:
    """Pyrogram's ``start(use_qr=True)``: the link is printed, the user's other app accepts it, start() returns the
    client logged in; a 2FA account's password comes from the constructor."""
    async with Sandbox(dcs=2) as tg:
        dana = tg.add_user(phone="+15551100006", first_name="Dana", password="pw", dc=2)
        phone_app = make_client(tg, "phone")
        await phone_app.start(phone_number=dana.phone, code=lambda _: tg.login_code(dana.phone), password="pw")
        desktop = make_client(tg, "desktop", password="pw")
        screen = Screen()
        with contextlib.redirect_stdout(screen):
            started = asyncio.ensure_future(desktop.start(use_qr=True))
            link = await within(screen.link, WAIT)
            await phone_app.accept_login_token(link)
            assert await within(started, WAIT) is desktop
        assert desktop.me.id == dana.id and "Scan the QR code" in screen.getvalue()
        await desktop.stop()
        await phone_app.stop()
