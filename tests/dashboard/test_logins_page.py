"""The dashboard's logins page over HTTP (in process, both engines) with a worker and the sandbox: an operator starts a
code login, types the code and then the 2FA password into the page's forms and sees the flow authorized, its account
linked; a QR flow shows its code as an image of the API's SVG; a read token sees the page but may not start one;
the forms need their CSRF token."""

from __future__ import annotations

import re

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.sandbox import Sandbox

from ..fleet.test_logins import PASSWORD, running
from ..fleet.workers import TIMEOUT
from ..service.helpers import in_process

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found is not None, html
    return found.group(1)


async def test_a_code_login_through_2fa_from_the_page(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        ivy = tg.add_user(phone="+15552200001", first_name="Ivy", password=PASSWORD, hint="horse", dc=2)
        async with in_process(fleet) as api:
            operator = {**api.auth("operate"), "Origin": "http://tgfleet.test"}
            page = await api.client.get("/logins", headers=operator)
            assert page.status_code == 200 and "No logins yet" in page.text
            csrf = _csrf(page.text)
            refused = await api.client.post("/logins/start", headers=operator, data={"phone": ivy.phone})
            assert refused.status_code == 403  # no CSRF token
            reader = api.auth("read")
            assert (await api.client.get("/logins", headers=reader)).status_code == 200
            read_csrf = _csrf((await api.client.get("/logins", headers=reader)).text)
            denied = await api.client.post(
                "/logins/start", headers=reader, data={"phone": ivy.phone, "csrf": read_csrf}
            )
            assert denied.status_code == 403
            started = await api.client.post("/logins/start", headers=operator,
                                            data={"csrf": csrf, "phone": ivy.phone, "label": "ivy"})  # fmt: skip
            assert started.status_code == 303 and "started" in started.headers["location"]
            [flow] = await fleet.logins.list()
            await fleet.logins.wait(flow.id, until={"code_sent"}, timeout=TIMEOUT)
            page = await api.client.get("/logins", headers=operator)
            assert f'action="/logins/{flow.id}/code"' in page.text
            code = await api.client.post(f"/logins/{flow.id}/code", headers=operator,
                                         data={"csrf": csrf, "code": tg.login_code(ivy.phone)})  # fmt: skip
            assert code.status_code == 303 and "code+sent" in code.headers["location"]
            await fleet.logins.wait(flow.id, until={"password_needed"}, timeout=TIMEOUT)
            page = await api.client.get("/logins", headers=operator)
            assert f'action="/logins/{flow.id}/password"' in page.text and "hint: horse" in page.text
            password = await api.client.post(f"/logins/{flow.id}/password", headers=operator,
                                             data={"csrf": csrf, "password": PASSWORD})  # fmt: skip
            assert password.status_code == 303, password.text
            done = await fleet.logins.wait(flow.id, until={"authorized"}, timeout=TIMEOUT)
            assert (await fleet.accounts.get("ivy")).id == done.account_id
            page = await api.client.get("/logins", headers=operator)
            assert 'href="/accounts/ivy"' in page.text and "authorized" in page.text


async def test_a_qr_login_shows_its_code_and_can_be_cancelled(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        jay = tg.add_user(phone="+15552200002", first_name="Jay", dc=2)
        async with in_process(fleet) as api:
            operator = {**api.auth("operate"), "Origin": "http://tgfleet.test"}
            csrf = _csrf((await api.client.get("/logins", headers=operator)).text)
            await api.client.post("/logins/start", headers=operator, data={"csrf": csrf, "phone": jay.phone,
                                                                           "method": "qr"})  # fmt: skip
            [flow] = await fleet.logins.list()
            await fleet.logins.wait(flow.id, until={"qr_waiting"}, timeout=TIMEOUT)
            page = await api.client.get("/logins", headers=operator)
            image = re.search(r'<img class="qr" src="([^"]+)"', page.text)
            assert image is not None
            svg = await api.client.get(image.group(1).replace("&amp;", "&"), headers=operator)
            assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
            cancelled = await api.client.post(f"/logins/{flow.id}/cancel", headers=operator, data={"csrf": csrf})
            assert cancelled.status_code == 303 and "cancelled" in cancelled.headers["location"]
            assert (await fleet.logins.get(flow.id)).state.value == "failed"
