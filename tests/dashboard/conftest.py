"""The browser of the dashboard tests: the distribution's Chromium (``/usr/bin/chromium``) driven by Playwright,
headless, with a fresh profile per test; never Playwright's own browser download.

Without Chromium (or Playwright) the tests skip, naming the command that installs it; with
``TGFLEET_REQUIRE_BROWSER=1`` (CI: ``.ci/run`` installs the packages and sets it) they fail instead. Each test's
screenshots go to a directory under its tmp path, named in the test output, and are copied to
``$TGFLEET_ARTIFACTS/<test>`` when that is set.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fleet.conftest import _seal_key_file, new_store, pg_cluster, store_url

CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "apt-get install chromium chromium-driver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
_SHOTS: list[tuple[str, Path]] = []
_FAILED = pytest.StashKey[bool]()
__all__ = ["_seal_key_file", "new_store", "pg_cluster", "store_url"]


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM}; install it with `{INSTALL_HINT}`"
    return None


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Any]:
    """A Chromium context (``BrowserContext``) on a fresh profile; closed at the end."""
    problem = _missing()
    if problem is not None:
        if os.environ.get("TGFLEET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TGFLEET_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        context = await driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900})  # fmt: skip
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            await context.close()


class Shots:
    """``await shots.take(page, "accounts")``: a full-page PNG in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def take(self, page: Any, name: str) -> Path:
        path = self.directory / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
async def shots(request: pytest.FixtureRequest, tmp_path: Path, browser: Any) -> AsyncIterator[Shots]:
    taken = Shots(tmp_path / "screenshots")
    yield taken
    if request.node.stash.get(_FAILED, False):
        pages = [page for page in browser.pages if page.url != "about:blank"]
        for number, page in enumerate(pages):  # what each page showed when the test failed
            with contextlib.suppress(Exception):  # a page that died with the test
                (taken.directory / f"failed-{number}.html").write_text(f"<!-- {page.url} -->\n{await page.content()}")
                await taken.take(page, f"failed-{number}")
    target = taken.directory
    if os.environ.get("TGFLEET_ARTIFACTS"):
        target = Path(os.environ["TGFLEET_ARTIFACTS"]) / re.sub(r"[^\w.-]+", "_", request.node.name)
        shutil.copytree(taken.directory, target, dirs_exist_ok=True)
    request.node.user_properties.append(("screenshots", str(target)))  # reaches the controller under xdist too


async def sign_in(page: Any, base: str, path: str, token: str) -> None:
    """Open ``path``, type ``token`` into the sign-in form it sends a browser without one to, and be back on it."""
    from playwright.async_api import expect

    await page.goto(f"{base}{path}")
    await expect(page.locator("#token")).to_be_focused()  # autofocus, maybe after "load": keys typed before are lost
    await page.keyboard.type(token)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}{path}")


async def start_login_from_page(page: Any, base: str, token: str, phone: str) -> str:
    """Sign in to the dashboard with ``token`` on its way to the logins page, start a login of ``phone`` from the
    page's form, and return the new flow's id (its row is ``#l<id>``)."""
    await sign_in(page, base, "/logins", token)
    await page.fill("#login-phone", phone)
    async with page.expect_navigation(url=re.compile(r"/logins\?notice=.*#l\d+$")):
        await page.keyboard.press("Enter")
    found = re.search(r"#l(\d+)$", page.url)
    assert found is not None, page.url
    return found.group(1)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        _SHOTS.extend((report.nodeid, Path(str(v))) for k, v in report.user_properties if k == "screenshots")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for test, directory in _SHOTS:
        terminalreporter.write_line(f"dashboard screenshots of {test}: {directory}")
