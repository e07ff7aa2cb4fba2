"""More of the logins page in a real headless Chromium against a real ``tgfleet fleet serve`` and the sandbox: a number
with no account signed up from the page (the code, sent again by call, then the new account's name), each step
appearing in the page as the worker reaches it, also one asked for elsewhere while the operator types the code (the
page's live reload keeps what was typed). SQLite only, as ``test_browser.py``: the API tests run the same fleet
calls on both engines."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox

from ..fleet.workers import write_info
from ..service.helpers import ServiceProcess
from .conftest import Shots, start_login_from_page

expect.set_options(timeout=60_000)


async def test_a_sign_up_through_the_pages_in_chromium(browser: Any, shots: Shots, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    phone = "+15550005555"
    async with Sandbox(dcs=2) as tg:
        async with Fleet.open(url) as fleet:
            token, _ = await fleet.tokens.create("operate")
        info = write_info(tg, tmp_path / "sandbox.json")
        service = await ServiceProcess.start("serve", "--store", url, "--sandbox-info", str(info),
                                             "--listen", "127.0.0.1:0", "--lease-ttl", "3")  # fmt: skip
        try:
            page = await browser.new_page()
            login_id = await start_login_from_page(page, service.url, token, phone)
            row = page.locator(f"#l{login_id}")
            await expect(row).to_have_attribute("data-state", "code_sent")
            await expect(row.get_by_label("Code (sms)")).to_be_visible()
            await expect(page.locator(f"#resend-{login_id}")).to_have_text("Send again by call")
            await page.click(f"#resend-{login_id}")  # auth.resendCode: the code comes by call now
            await expect(row.get_by_label("Code (call)")).to_be_visible()
            await shots.take(page, "logins-resent")
            await page.fill(f"#code-{login_id}", tg.login_code(phone))
            async with Fleet.open(url) as fleet:  # meanwhile someone else asks once more: no other way is left
                await fleet.logins.resend_code(int(login_id))
            await expect(row).to_contain_text("SEND_CODE_UNAVAILABLE")  # the page shows what it did not ask for
            await expect(page.locator(f"#code-{login_id}")).to_have_value(tg.login_code(phone))  # and keeps the typing
            await page.keyboard.press("Enter")
            await expect(row).to_have_attribute("data-state", "sign_up_needed")  # the number has no account
            await shots.take(page, "logins-sign-up")
            await page.fill(f"#first-name-{login_id}", "Quinn")
            await page.keyboard.press("Tab")
            await page.keyboard.type("Quayle")
            await page.keyboard.press("Enter")
            await expect(row).to_have_attribute("data-state", "authorized")
            await expect(row.get_by_role("link")).to_be_visible()
            quinn = tg.user_by_phone(phone)
            assert quinn is not None and (quinn.first_name, quinn.last_name) == ("Quinn", "Quayle")
            async with Fleet.open(url) as fleet:
                assert (await fleet.accounts.get(phone.lstrip("+"))).user_id == quinn.id
            service.proc.send_signal(signal.SIGTERM)
            assert await service.exited() == 0
        finally:
            await service.close()
