"""Every endpoint's bad inputs get the documented 4xx in the JSON error form, never a 500: a missing or wrong token,
a scope too low, malformed or hostile bodies, bad parameters, unknown ids, a reused Idempotency-Key with another body,
oversized and too deep bodies; on both engines (the store answers the lookups)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.app import create_app

from ..fleet.helpers import populate, pyrogram_string
from .helpers import Api, in_process

GARBAGE: list[bytes] = [b"", b"{", b"\xff\xfe\x00", b"[]", b"null", b"42", b'{"peer": 1, "text": []}', b'{"x": "y"}',
                        b'{"peer": "@a", "text": "t", "account": "acct0", "pool": "p"}', b"[" * 40 + b"]" * 40,
                        b'"' + b"a" * 70_000 + b'"']  # fmt: skip


def routes(fleet: Fleet) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation in the OpenAPI document, but the endless event stream."""
    spec = create_app(fleet).openapi()
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()
            if path != "/v1/events"]  # fmt: skip


def concrete(path: str, label: str = "acct0", message_id: int = 1) -> str:
    return path.replace("{label}", label).replace("{message_id}", str(message_id))


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, response.text


async def _setup(fleet: Fleet, api: Api) -> int:
    await populate(fleet, 2)
    sent = await api.client.post("/v1/outbox", json={"peer": "@bob", "text": "hi", "account": "acct0"},
                                 headers={**api.auth("send"), "Idempotency-Key": "first"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


async def test_tokens_and_scopes_on_every_route(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        message_id = await _setup(fleet, api)
        revoked = api.tokens["admin"]
        await fleet.tokens.revoke(revoked)
        protected = [(m, p, op) for m, p, op in routes(fleet) if "401" in op["responses"]]
        assert {"/v1/accounts", "/v1/outbox", "/metrics", "/v1/workers"} <= {p for _, p, _ in protected}
        for method, path, _ in protected:
            url = concrete(path, message_id=message_id)
            for headers in ({}, {"Authorization": "Bearer tgf_not-a-token"}, {"Authorization": "Basic YTpi"},
                            {"Authorization": f"Bearer {revoked}"}, {"Cookie": "tgfleet_token=tgf_nope"}):  # fmt: skip
                assert_error(await api.client.request(method, url, headers=headers), 401, "unauthorized")
        for method, path in (("POST", "/v1/outbox"), ("POST", "/v1/accounts"), ("POST", "/v1/accounts/{label}/disable"),
                             ("POST", "/v1/outbox/{message_id}/cancel")):  # fmt: skip
            response = await api.client.request(method, concrete(path, message_id=message_id), json={},
                                                headers={**api.auth("read"), "Idempotency-Key": "k"})  # fmt: skip
            assert_error(response, 403, "forbidden")
        cancel = f"/v1/outbox/{message_id}/cancel"
        assert_error(await api.client.post(cancel, headers=api.auth("send")), 403, "forbidden")
        assert (await api.client.post(cancel, headers=api.auth("operate"))).status_code == 200
        # the login cookie is as good as the header
        cookie = {"Cookie": f"tgfleet_token={api.tokens['read']}"}
        assert (await api.client.get("/v1/accounts", headers=cookie)).status_code == 200


async def test_garbage_to_every_route_is_a_documented_4xx(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        message_id = await _setup(fleet, api)
        for method, path, op in routes(fleet):
            documented = {int(status) for status in op["responses"] if status.isdigit()}
            url = concrete(path, message_id=message_id)
            headers = {**api.auth("admin"), "Content-Type": "application/json", "Idempotency-Key": "garbage"}
            bodies = GARBAGE if method == "POST" else [b""]
            for body in bodies:
                response = await api.client.request(method, url, content=body, headers=headers)
                assert response.status_code < 500, (method, url, body[:40], response.text)
                assert response.status_code in documented, (method, url, body[:40], response.status_code)
                if response.status_code >= 400:
                    assert set(response.json()) == {"error"}, response.text
            for query in ("limit=0", "limit=abc", "limit=501", "state=bogus", "after=-1", "events=9999"):
                response = await api.client.request(method, f"{url}?{query}", headers=headers)
                assert response.status_code < 500 and response.status_code in documented, (url, query, response.text)


async def test_bodies_params_and_ids(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        message_id = await _setup(fleet, api)
        admin = {**api.auth("admin"), "Content-Type": "application/json", "Idempotency-Key": "x"}
        assert_error(await api.client.post("/v1/outbox", content=b"{", headers=admin), 400, "malformed_json")
        assert_error(await api.client.post("/v1/outbox", content=b"[" * 40 + b"]" * 40, headers=admin), 422,
                     "json_too_deep")  # fmt: skip
        assert_error(await api.client.post("/v1/outbox", content=b"x" * 70_000, headers=admin), 413, "body_too_large")
        assert_error(await api.client.get("/v1/accounts?limit=0", headers=admin), 422, "invalid_request")
        assert_error(await api.client.get("/v1/accounts?state=bogus", headers=admin), 422, "invalid_request")
        assert_error(await api.client.get("/v1/accounts/nobody", headers=admin), 404, "account_not_found")
        for action in ("disable", "enable", "check"):
            assert_error(await api.client.post(f"/v1/accounts/nobody/{action}", headers=admin), 404,
                         "account_not_found")  # fmt: skip
        assert_error(await api.client.get("/v1/outbox/999999", headers=admin), 404, "message_not_found")
        assert_error(await api.client.post("/v1/outbox/999999/retry", headers=admin), 404, "message_not_found")
        assert_error(await api.client.get("/v1/outbox/abc", headers=admin), 422, "invalid_request")
        assert_error(await api.client.post(f"/v1/outbox/{message_id}/retry", headers=admin), 409, "invalid_state")
        assert_error(await api.client.post("/v1/accounts/acct0/check", headers=admin), 409, "check_unavailable")
        assert_error(await api.client.get("/v1/events", headers={**admin, "Last-Event-ID": "abc"}), 400,
                     "bad_last_event_id")  # fmt: skip
        # a session is a string, never a path the server would read
        assert_error(await api.client.post("/v1/accounts", json={"session": "/etc/hostname"}, headers=admin), 422,
                     "invalid_session")  # fmt: skip
        assert_error(await api.client.post("/v1/accounts", json={"session": "x", "extra": 1}, headers=admin), 422,
                     "invalid_request")  # fmt: skip
        session = pyrogram_string(user_id=9)
        imported = await api.client.post("/v1/accounts", json={"session": session, "label": "new1",
                                         "proxy": "socks5://u:secret@127.0.0.1:1080"}, headers=admin)  # fmt: skip
        assert imported.status_code == 201 and imported.json()["state"] == "new", imported.text
        assert "secret" not in imported.text  # a proxy's password never shows
        again = await api.client.post("/v1/accounts", json={"session": session, "label": "new2"},
                                      headers=admin)  # fmt: skip
        assert_error(again, 409, "duplicate_account")


async def test_idempotency_key(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        message_id = await _setup(fleet, api)
        send = {**api.auth("send"), "Idempotency-Key": "first"}
        body = {"peer": "@bob", "text": "hi", "account": "acct0"}
        repeat = await api.client.post("/v1/outbox", json=body, headers=send)
        assert repeat.status_code == 200 and repeat.json()["id"] == message_id  # the same message
        other = await api.client.post("/v1/outbox", json={**body, "text": "another"}, headers=send)
        assert_error(other, 409, "idempotency_conflict")
        missing = await api.client.post("/v1/outbox", json=body, headers=api.auth("send"))
        assert_error(missing, 422, "invalid_request")
        assert "idempotency-key" in missing.json()["error"]["message"].lower()
        nobody = await api.client.post("/v1/outbox", json={**body, "account": "nobody"},
                                       headers={**send, "Idempotency-Key": "n"})  # fmt: skip
        assert_error(nobody, 404, "account_not_found")
        listed = (await api.client.get("/v1/outbox", headers=send)).json()["items"]
        assert [m["id"] for m in listed] == [message_id]  # nothing else was stored


async def test_account_pages(tmp_path: Any) -> None:
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, in_process(fleet) as api:
        await populate(fleet, 5)
        labels, after = [], None
        while True:
            query = "?limit=2" + (f"&after={after}" if after else "")
            page = (await api.client.get(f"/v1/accounts{query}", headers=api.auth("read"))).json()
            labels += [a["label"] for a in page["items"]]
            after = page["next"]
            if after is None:
                break
        assert labels == [f"acct{i}" for i in range(5)]
        disabled = await api.client.post("/v1/accounts/acct3/disable", json={"reason": "test"},
                                         headers=api.auth("operate"))  # fmt: skip
        assert disabled.json()["state"] == "disabled"
        only = (await api.client.get("/v1/accounts?state=disabled", headers=api.auth("read"))).json()["items"]
        assert [a["label"] for a in only] == ["acct3"]
        shown = (await api.client.get("/v1/accounts/acct3", headers=api.auth("read"))).json()
        assert [e["to_state"] for e in shown["events"]] == ["new", "disabled"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
async def test_health_needs_no_token(tmp_path: Any, path: str) -> None:
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, in_process(fleet) as api:
        response = await api.client.get(path)
        assert response.status_code == 200 and response.json()["status"] in ("ok", "ready")
