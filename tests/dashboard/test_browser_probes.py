"""The last probe and the account's sessions in a real headless Chromium against a real ``tgfleet fleet serve`` (the
API and a worker in one process) and the sandbox: the accounts page shows the worker's probe appear (its time, no
error badge), and the page of an account logged in twice lists both sessions as the probe found them: ours marked,
the other (a real second login, waiting for confirmation) highlighted, with when they were listed. SQLite only, as
``test_browser.py``: the store and API tests run the same calls on both engines."""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.world import World

from ..client.helpers import logged_in
from ..fleet.workers import seed, write_info
from ..service.helpers import ServiceProcess
from .conftest import Shots, sign_in

expect.set_options(timeout=60_000)


async def test_a_probes_time_and_an_accounts_two_sessions_in_chromium(
    browser: Any, shots: Shots, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    async with Sandbox(dcs=2) as tg:
        async with Fleet.open(url) as fleet:
            [account] = await seed(tg, fleet, 1, prefix="probe")
            token, _ = await fleet.tokens.create("read")
        world = tg.world
        assert isinstance(world, World)
        other = await logged_in(tg, world.user(account.user_id).phone, device_model="Owner's laptop")
        info = write_info(tg, tmp_path / "sandbox.json")
        service = await ServiceProcess.start("serve", "--store", url, "--sandbox-info", str(info),
                                             "--listen", "127.0.0.1:0", "--lease-ttl", "3")  # fmt: skip
        try:
            page = await browser.new_page()
            await sign_in(page, service.url, "/accounts", token)
            row = page.locator(f"#a-{account.label}")
            await expect(row.locator(".badge")).to_have_text("active")  # probed by the worker, shown live
            await expect(row.locator(".probe time")).to_have_text(
                re.compile(r"^\d+ (s|min) ago$")
            )  # came with the move
            await expect(row.locator(".probe-error")).to_have_count(0)
            await shots.take(page, "accounts-probed")

            await page.goto(f"{service.url}/accounts/{account.label}")
            await expect(page.locator(".facts .probe time")).to_be_visible()
            await expect(page.locator("#sessions-listed")).to_contain_text("2 sessions, as a probe listed them")
            sessions = page.locator("table.sessions tbody tr")
            await expect(sessions).to_have_count(2)
            await expect(sessions.nth(0)).to_have_class("current")
            await expect(sessions.nth(0)).to_contain_text("this session")
            await expect(sessions.nth(1)).to_have_class("unconfirmed")
            await expect(sessions.nth(1)).to_contain_text("Owner's laptop")
            await expect(sessions.nth(1).locator(".badge")).to_have_text("unconfirmed")
            await shots.take(page, "account-sessions")
            await page.set_viewport_size({"width": 390, "height": 844})
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            await shots.take(page, "account-sessions-phone")
            service.proc.send_signal(signal.SIGTERM)
            assert await service.exited() == 0
        finally:
            await service.close()
            await other.disconnect()
