"""``/v1/logins`` beyond code and 2FA, against a worker and the sandbox on a real uvicorn, on both engines: a number
with no account signed up over HTTP (``POST .../name``, its refusals); a code sent again (``POST .../resend``)."""

from __future__ import annotations

import httpx

from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox

from ..fleet.helpers import until
from ..fleet.test_logins import running
from .helpers import TIMEOUT
from .test_logins_api import SETTINGS, _serving, _until


async def test_a_sign_up_over_http(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        phone = "+15552300001"
        operate, _ = await fleet.tokens.create("operate")
        headers = {"Authorization": f"Bearer {operate}"}
        async with _serving(fleet) as base, httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT) as http:
            login_id = (await http.post("/v1/logins", json={"phone": phone, "label": "pia"})).json()["id"]
            await _until(fleet, http, login_id, "code_sent")
            early = await http.post(f"/v1/logins/{login_id}/name", json={"first_name": "Pia"})
            assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_login_state"
            await http.post(f"/v1/logins/{login_id}/code", json={"code": tg.login_code(phone)})
            await _until(fleet, http, login_id, "sign_up_needed")
            for bad in ({}, {"first_name": ""}, {"first_name": "Pia", "middle": "x"}, {"first_name": "x" * 257}):
                refused = await http.post(f"/v1/logins/{login_id}/name", json=bad)
                assert refused.status_code == 422, (bad, refused.text)
            assert (await http.post("/v1/logins/999999/name", json={"first_name": "Pia"})).status_code == 404
            named = await http.post(f"/v1/logins/{login_id}/name", json={"first_name": "Pia", "last_name": "Park"})
            assert named.status_code == 200 and named.json()["state"] == "sign_up_needed", named.text
            flow = await _until(fleet, http, login_id, "authorized")
            pia = tg.user_by_phone(phone)
            assert pia is not None and (pia.first_name, pia.last_name) == ("Pia", "Park")
            account = (await http.get("/v1/accounts/pia")).json()
            assert account["id"] == flow["account_id"] and account["user_id"] == pia.id


async def test_a_code_sent_again_over_http(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        uma = tg.add_user(phone="+15552300002", first_name="Uma", dc=2)
        operate, _ = await fleet.tokens.create("operate")
        read, _ = await fleet.tokens.create("read")
        headers = {"Authorization": f"Bearer {operate}"}
        async with _serving(fleet) as base, httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT) as http:
            login_id = (await http.post("/v1/logins", json={"phone": uma.phone})).json()["id"]
            early = await http.post(f"/v1/logins/{login_id}/resend")
            assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_login_state"
            flow = await _until(fleet, http, login_id, "code_sent")
            assert (flow["code_type"], flow["next_type"], flow["resend_after"]) == ("sms", "call", 60)
            denied = await http.post(f"/v1/logins/{login_id}/resend", headers={"Authorization": f"Bearer {read}"})
            assert denied.status_code == 403
            assert (await http.post("/v1/logins/999999/resend")).status_code == 404
            asked = await http.post(f"/v1/logins/{login_id}/resend")
            assert asked.status_code == 200 and asked.json()["state"] == "code_sent", asked.text
            await until(lambda: _code_type(http, login_id, "call"), timeout=TIMEOUT)
            await http.post(f"/v1/logins/{login_id}/code", json={"code": tg.login_code(uma.phone)})
            await _until(fleet, http, login_id, "authorized")


async def _code_type(http: httpx.AsyncClient, login_id: int, wanted: str) -> bool | None:
    return True if (await http.get(f"/v1/logins/{login_id}")).json()["code_type"] == wanted else None
