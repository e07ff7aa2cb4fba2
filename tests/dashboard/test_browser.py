"""The dashboard in a real headless Chromium against a real ``tgfleet fleet serve`` (uvicorn on a loopback port, the
API and a worker in one process) and the sandbox: sign in through the /login form, send a message from the page with
the keyboard alone and watch it become ``sent`` in the page, see a forced flood wait (``tg.force_flood``) count down
in the page, see a change made elsewhere arrive without a reload, filter the outbox with the keyboard alone, and
keep a screenshot of every page (a phone-width one too); and log an account in from the logins page (code, then the
2FA password). SQLite only: the pages read the store through the same
fleet calls the API tests run on both engines."""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox
from tgfleet.tl.functions import messages as f_messages

from ..fleet.workers import seed, write_info
from ..service.helpers import ServiceProcess
from .conftest import Shots, start_login_from_page

expect.set_options(timeout=60_000)
FLOOD = 900  # seconds of the forced flood wait: far longer than the test


async def send_with_keyboard(page: Any, account: str, peer: str, text: str) -> int:
    """Fill and submit the send form from the keyboard alone (``n`` focuses it); the new message's id."""
    await page.keyboard.press("n")
    for value in (account, peer, text):
        await page.keyboard.type(value)
        await page.keyboard.press("Tab")
    async with page.expect_navigation(url=re.compile(r"/outbox\?notice=.*#m\d+$")):
        await page.keyboard.press("Enter")  # on the Send button
    found = re.search(r"#m(\d+)$", page.url)
    assert found is not None, page.url
    return int(found.group(1))


async def seconds_shown(locator: Any) -> int:
    minutes, _, seconds = (await locator.inner_text()).rpartition(":")
    return int(minutes or 0) * 60 + int(seconds)


async def test_the_dashboard_in_chromium(browser: Any, shots: Shots, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    async with Sandbox(dcs=2) as tg:
        async with Fleet.open(url) as fleet:
            [account] = await seed(tg, fleet, 1, prefix="page")
            token, _ = await fleet.tokens.create("operate")
        tg.add_user(phone="+15550003333", first_name="Bob", username="bob_page", dc=2)
        info = write_info(tg, tmp_path / "sandbox.json")
        service = await ServiceProcess.start("serve", "--store", url, "--sandbox-info", str(info),
                                             "--listen", "127.0.0.1:0", "--lease-ttl", "3")  # fmt: skip
        try:
            page = await browser.new_page()
            await page.goto(f"{service.url}/accounts")
            assert "/login?next=/accounts" in page.url  # no token yet: the sign-in form
            await shots.take(page, "login")
            await expect(page.locator("#token")).to_be_focused()  # autofocus
            await page.keyboard.type(token)
            await page.keyboard.press("Enter")
            await page.wait_for_url(f"{service.url}/accounts")
            row = page.locator(f"#a-{account.label}")
            await expect(row.locator(".badge")).to_have_text("active")  # probed by the worker, shown live
            await expect(page.locator("#live-status")).to_have_text("live")
            await shots.take(page, "accounts")

            # focus order starts at the skip link, then the pages, and focus is visible
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.className") == "skip"
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.getAttribute('href')") == "/accounts"
            assert await page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

            await page.keyboard.press("o")
            await page.wait_for_url(f"{service.url}/outbox")
            first = await send_with_keyboard(page, account.label, "@bob_page", "hello from the page")
            await expect(page.locator(f"#m{first}")).to_have_attribute("data-state", "sent")
            await shots.take(page, "outbox-sent")
            assert [m.text for m in tg.messages_of(account.user_id)] == ["hello from the page"]

            tg.force_flood(f_messages.SendMessage, FLOOD, times=1, user_id=account.user_id)
            second = await send_with_keyboard(page, account.label, "@bob_page", "this one meets a flood wait")
            waiting = page.locator(f"#m{second}")
            await expect(waiting).to_have_attribute("data-state", "retry_wait")
            await expect(waiting).to_contain_text(f"FLOOD_WAIT_{FLOOD}")
            await shots.take(page, "outbox-flood")

            # a change made elsewhere (another fleet handle) reaches the open page without a reload
            await page.evaluate("window.notReloaded = true")
            async with Fleet.open(url) as other:
                await other.outbox.cancel(second)
            await expect(waiting).to_have_attribute("data-state", "cancelled")
            assert await page.evaluate("window.notReloaded === true")

            await page.keyboard.press("a")
            await page.wait_for_url(f"{service.url}/accounts")
            countdown = row.locator(".countdown")
            start = await seconds_shown(countdown)
            assert 0 < start <= FLOOD
            await page.wait_for_function(  # ticks in the page, no reload
                "([sel, start]) => { const [m, s] = document.querySelector(sel).textContent.split(':');"
                " return Number(m) * 60 + Number(s) < start; }",
                arg=[f"#a-{account.label} .countdown", start],
            )
            await expect(row.locator(".budget")).to_have_text("1 / 1000")
            await shots.take(page, "accounts-flood")

            await page.goto(f"{service.url}/accounts/{account.label}")
            why = page.locator(".why")
            await expect(why).to_contain_text(f"FLOOD_WAIT_{FLOOD}")
            await expect(why.locator(".countdown").first).to_be_visible()
            await shots.take(page, "account")

            # the outbox filtered with the keyboard alone: 4 is sent, 9 cancelled, 0 all
            await page.keyboard.press("o")
            await page.wait_for_url(f"{service.url}/outbox")
            for key, state, ids in (("4", "sent", [first]), ("9", "cancelled", [second])):
                await page.keyboard.press(key)
                await page.wait_for_url(f"{service.url}/outbox?state={state}")
                await expect(page.locator("tbody tr")).to_have_count(len(ids))
                assert await page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.id)") == [
                    f"m{i}" for i in ids]  # fmt: skip
                await shots.take(page, f"outbox-filter-{state}")
            await page.keyboard.press("0")
            await page.wait_for_url(f"{service.url}/outbox")
            await expect(page.locator("tbody tr")).to_have_count(2)

            await page.keyboard.press("w")
            await page.wait_for_url(f"{service.url}/workers")
            await expect(page.locator("tbody tr.live").first).to_be_visible()
            await expect(page.get_by_role("link", name=account.label)).to_be_visible()  # its lease
            await shots.take(page, "workers")

            await page.set_viewport_size({"width": 390, "height": 844})
            for name in ("accounts", "outbox"):
                await page.goto(f"{service.url}/{name}")
                assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                await shots.take(page, f"{name}-phone")

            service.proc.send_signal(signal.SIGTERM)
            assert await service.exited() == 0
        finally:
            await service.close()


async def test_a_login_through_the_pages_in_chromium(browser: Any, shots: Shots, tmp_path: Path) -> None:
    """An operator logs an account in from the logins page: the phone, then the code, then the 2FA password, each
    step appearing in the page as the worker reaches it (live, from the event stream)."""
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    password = "page password 7"
    async with Sandbox(dcs=2) as tg:
        async with Fleet.open(url) as fleet:
            token, _ = await fleet.tokens.create("operate")
        kim = tg.add_user(phone="+15550004444", first_name="Kim", password=password, dc=2)
        info = write_info(tg, tmp_path / "sandbox.json")
        service = await ServiceProcess.start("serve", "--store", url, "--sandbox-info", str(info),
                                             "--listen", "127.0.0.1:0", "--lease-ttl", "3")  # fmt: skip
        try:
            page = await browser.new_page()
            login_id = await start_login_from_page(page, service.url, token, kim.phone)
            row = page.locator(f"#l{login_id}")
            await expect(row).to_have_attribute("data-state", "code_sent")  # the worker asked Telegram for a code
            await shots.take(page, "logins-code")
            await page.fill(f"#code-{login_id}", tg.login_code(kim.phone))
            await page.keyboard.press("Enter")
            await expect(page.locator(f"#l{login_id}")).to_have_attribute("data-state", "password_needed")
            await shots.take(page, "logins-password")
            await page.fill(f"#password-{login_id}", password)
            await page.keyboard.press("Enter")
            await expect(page.locator(f"#l{login_id}")).to_have_attribute("data-state", "authorized")
            await expect(page.locator(f"#l{login_id}").get_by_role("link")).to_be_visible()  # its account
            await shots.take(page, "logins-authorized")
            async with Fleet.open(url) as fleet:
                assert (await fleet.accounts.get(kim.phone.lstrip("+"))).user_id == kim.id
            service.proc.send_signal(signal.SIGTERM)
            assert await service.exited() == 0
        finally:
            await service.close()
