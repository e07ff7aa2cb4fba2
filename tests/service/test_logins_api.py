"""``/v1/logins`` against a worker and the sandbox on a real uvicorn: a code login through 2FA driven only over HTTP,
each of its state changes on the event stream (``event: login``), a QR flow's code as SVG, and the documented
refusals (a read token may not start one, unknown ids, a code the flow does not wait for), on both engines."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.service.server import ServiceRun
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from ..fleet.test_logins import PASSWORD, running
from .helpers import TIMEOUT

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)


async def _login_states(client: httpx.AsyncClient, login_id: int, seen: list[str], last: str) -> None:
    """The login's states from the event stream (from its start) until ``last``."""
    async with client.stream("GET", "/v1/events?after=0") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                change = json.loads(line[5:])
                if change["kind"] == "login" and change["subject_id"] == login_id:
                    seen.append(change["state"])
                    if change["state"] == last:
                        return


async def _until(fleet: Fleet, client: httpx.AsyncClient, login_id: int, state: str) -> dict[str, Any]:
    """The flow as the API shows it, once the worker moved it to ``state`` (awaited on the fleet, bounded)."""
    await fleet.logins.wait(login_id, until={state}, timeout=TIMEOUT)
    flow: dict[str, Any] = (await client.get(f"/v1/logins/{login_id}")).json()
    assert flow["state"] == state, flow
    return flow


@contextlib.asynccontextmanager
async def _serving(fleet: Fleet) -> AsyncIterator[str]:
    """The service on a free loopback port (a real uvicorn); its base URL."""
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    run = ServiceRun(fleet, "127.0.0.1", 0, on_listening=lambda h, p: listening.set_result(f"http://{h}:{p}"))
    serving = asyncio.create_task(run.run())
    try:
        yield await within(listening, TIMEOUT)
    finally:
        run.stop()
        await within(serving, TIMEOUT)


async def test_a_login_over_http_through_2fa_and_its_events(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        dora = tg.add_user(phone="+15552100001", first_name="Dora", password=PASSWORD, dc=2)
        operate, _ = await fleet.tokens.create("operate")
        read, _ = await fleet.tokens.create("read")
        async with (
            _serving(fleet) as base,
            httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {operate}"}, timeout=TIMEOUT) as client,
        ):
            reader = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {read}"}, timeout=TIMEOUT)
            async with reader:
                refused = await reader.post("/v1/logins", json={"phone": dora.phone})
                assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
            assert (await client.get("/v1/logins/999999")).status_code == 404
            assert (await client.post("/v1/logins", json={"phone": "x"})).status_code == 422
            started = await client.post("/v1/logins", json={"phone": dora.phone, "label": "dora"})
            assert started.status_code == 201, started.text
            login_id = started.json()["id"]
            seen: list[str] = []
            watching = asyncio.create_task(_login_states(client, login_id, seen, "authorized"))
            await _until(fleet, client, login_id, "code_sent")
            early = await client.post(f"/v1/logins/{login_id}/password", json={"password": PASSWORD})
            assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_login_state"
            code = await client.post(f"/v1/logins/{login_id}/code", json={"code": tg.login_code(dora.phone)})
            assert code.status_code == 200, code.text
            await _until(fleet, client, login_id, "password_needed")
            sent = await client.post(f"/v1/logins/{login_id}/password", json={"password": PASSWORD})
            assert sent.status_code == 200, sent.text
            flow = await _until(fleet, client, login_id, "authorized")
            await within(watching, TIMEOUT)
            assert seen[0] == "starting" and seen[-1] == "authorized"
            assert {"code_sent", "password_needed"} <= set(seen), seen
            attempts = (
                fleet.counters.logins
            )  # the in-process worker's counters (its heartbeat writes them for /metrics)
            assert attempts.get("code_sent") == 1 and attempts.get("authorized") == 1, attempts
            account = (await client.get("/v1/accounts/dora")).json()
            assert account["id"] == flow["account_id"]
            assert (await client.get(f"/v1/logins/{login_id}/qr.svg")).status_code == 409  # a code flow


async def test_a_qr_flow_shows_its_code_as_svg(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        eve = tg.add_user(phone="+15552100002", first_name="Eve", dc=2)
        token, _ = await fleet.tokens.create("operate")
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            _serving(fleet) as base,
            httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT) as client,
        ):
            started = await client.post("/v1/logins", json={"phone": eve.phone, "method": "qr"})
            assert started.status_code == 201, started.text
            flow = await _until(fleet, client, started.json()["id"], "qr_waiting")
            assert flow["qr_url"].startswith("tg://login?token=")
            svg = await client.get(f"/v1/logins/{flow['id']}/qr.svg")
            assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
            assert svg.text.lstrip().startswith("<svg") and "path" in svg.text
            cancelled = await client.post(f"/v1/logins/{flow['id']}/cancel")
            assert cancelled.status_code == 200 and cancelled.json()["state"] == "failed"
