"""The account page's "log in again" action (in process, both engines) with a worker and the sandbox: a ``needs_login``
account offers it, posting it starts a login flow for that account, and the account comes back with a new key under
its own label; an account that needs no login offers none."""

from __future__ import annotations

from tgfleet.fleet import AccountState, Fleet
from tgfleet.fleet.records import Evidence
from tgfleet.sandbox import Sandbox

from ..fleet.helpers import until
from ..fleet.test_logins import SETTINGS, _state_is, running
from ..fleet.test_logins_more import _logged_in
from ..fleet.workers import TIMEOUT
from ..service.helpers import in_process
from .test_logins_page import _csrf


async def test_a_needs_login_account_is_logged_in_again_from_its_page(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        kai = tg.add_user(phone="+15552400001", first_name="Kai", dc=2)
        await _logged_in(fleet, tg, kai.phone, label="kai")
        await until(lambda: _state_is(fleet, "kai", AccountState.ACTIVE), timeout=TIMEOUT)
        async with in_process(fleet) as api:
            operator = {**api.auth("operate"), "Origin": "http://tgfleet.test"}
            page = await api.client.get("/accounts/kai", headers=operator)
            assert page.status_code == 200 and 'id="relogin-form"' not in page.text  # active: nothing to do
            before = await fleet.accounts.set_state("kai", AccountState.NEEDS_LOGIN, evidence=Evidence(message="t"))
            page = await api.client.get("/accounts/kai", headers=operator)
            assert 'id="relogin-form"' in page.text and f'name="phone" value="{before.phone}"' in page.text
            posted = await api.client.post("/logins/start", headers=operator,
                                           data={"csrf": _csrf(page.text), "phone": kai.phone})  # fmt: skip
            assert posted.status_code == 303 and "started" in posted.headers["location"], posted.headers
            [flow, _] = await fleet.logins.list()
            assert (flow.account_id, flow.label) == (before.id, "kai")
            await fleet.logins.wait(flow.id, until={"authorized"}, timeout=TIMEOUT)
            await until(lambda: _state_is(fleet, "kai", AccountState.ACTIVE), timeout=TIMEOUT)
            after = await fleet.accounts.get("kai")
            assert after.id == before.id and after.auth_key_id != before.auth_key_id
            page = await api.client.get("/accounts/kai", headers=operator)
            assert 'id="relogin-form"' not in page.text and f"logged in again by login {flow.id}" in page.text
