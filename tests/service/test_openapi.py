"""The OpenAPI document validates (openapi-spec-validator) and documents every error answer of every route; the
accounts listing (a page built in one validation) answers what the document says."""

from __future__ import annotations

from pathlib import Path

import jsonschema
from openapi_spec_validator import validate

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.app import create_app

from ..fleet.helpers import populate, pyrogram_string
from .helpers import in_process


async def test_the_document_validates_and_names_the_errors(tmp_path: Path) -> None:
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, in_process(fleet) as api:
        served = (await api.client.get("/openapi.json")).json()
        assert served == create_app(fleet).openapi()
        validate(served)
        paths = served["paths"]
        for path in ("/v1/accounts", "/v1/accounts/{label}", "/v1/accounts/{label}/disable", "/v1/outbox",
                     "/v1/outbox/{message_id}", "/v1/outbox/{message_id}/retry", "/v1/leases", "/v1/workers",
                     "/v1/events", "/metrics", "/healthz", "/readyz"):  # fmt: skip
            assert path in paths, path
        for path, operations in paths.items():
            for method, operation in operations.items():
                if path.startswith("/v1") or path == "/metrics":
                    assert {"400", "401", "403", "413", "422"} <= set(operation["responses"]), (method, path)
        post = paths["/v1/outbox"]["post"]
        assert {"201", "404", "409"} <= set(post["responses"])
        assert any(p["name"] == "idempotency-key" and p["required"] for p in post["parameters"])
        assert "404" in paths["/v1/accounts/{label}"]["get"]["responses"]
        docs = await api.client.get("/docs")
        assert docs.status_code == 200 and "openapi.json" in docs.text


async def test_the_accounts_listing_answers_what_the_document_says(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        await populate(fleet, 2)
        await fleet.accounts.import_session(pyrogram_string(user_id=7_000_000_001), label="proxied",
                                            proxy="socks5://me:secret@127.0.0.1:1080")  # fmt: skip
        document = (await api.client.get("/openapi.json")).json()
        answer = document["paths"]["/v1/accounts"]["get"]["responses"]["200"]["content"]["application/json"]
        assert answer["schema"] == {"$ref": "#/components/schemas/Page_AccountOut_"}
        page = (await api.client.get("/v1/accounts", headers=api.auth("read"))).json()
        jsonschema.Draft202012Validator({**answer["schema"], "components": document["components"]}).validate(page)
        documented = document["components"]["schemas"]["AccountOut"]
        assert [set(item) for item in page["items"]] == [set(documented["properties"])] * 3
        assert set(documented["required"]) == set(documented["properties"])
        proxied = page["items"][2]
        assert (proxied["label"], proxied["state"]) == ("proxied", "new")
        assert proxied["policy"]["proxy"] == "socks5://me:***@127.0.0.1:1080"  # the password never shows
