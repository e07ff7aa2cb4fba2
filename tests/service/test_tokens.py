"""Tokens: made by the CLI (printed once, on the last line), kept hashed, scopes ordered, revoked at once; the login
form sets an HttpOnly cookie that authenticates like the header and never redirects off the site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.fleet import Fleet, FleetValueError
from tgfleet.fleet.errors import TokenNotFound
from tgfleet.fleet.tokens import Scope

from .helpers import in_process


def test_scopes_are_ordered() -> None:
    order = [Scope.READ, Scope.SEND, Scope.OPERATE, Scope.ADMIN]
    for i, have in enumerate(order):
        assert [have.allows(needed) for needed in order] == [j <= i for j in range(len(order))]


async def test_create_verify_revoke(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        token, info = await fleet.tokens.create("operate", name="ops")
        assert (await fleet.tokens.verify(token)) == info and info.scope is Scope.OPERATE
        assert await fleet.tokens.verify(token + "x") is None and await fleet.tokens.verify("") is None
        listed = await fleet.tokens.list()
        assert [t.name for t in listed] == ["ops"] and token not in repr(listed)
        with pytest.raises(FleetValueError):
            await fleet.tokens.create("root")
        other, _ = await fleet.tokens.create("read", name="ops")
        with pytest.raises(TokenNotFound, match="2 tokens"):
            await fleet.tokens.revoke("ops")  # ambiguous by name
        assert (await fleet.tokens.revoke(token)).revoked_at is not None
        assert await fleet.tokens.verify(token) is None and await fleet.tokens.verify(other) is not None
        with pytest.raises(TokenNotFound):
            await fleet.tokens.revoke(999)


def test_cli_prints_the_token_once_on_its_last_line(tmp_path: Path) -> None:
    db = tmp_path / "fleet.db"
    store = ["--store", f"sqlite:///{db}"]
    runner = CliRunner()
    assert runner.invoke(main, ["fleet", "init", *store]).exit_code == 0
    made = runner.invoke(main, ["fleet", "token", "create", "--scope", "send", "--name", "bot", *store])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("tgf_") and len(token) >= 40
    as_json = json.loads(runner.invoke(main, ["fleet", "token", "create", "--scope", "read", "--json", *store]).output)
    assert as_json["token"].startswith("tgf_") and as_json["scope"] == "read"
    listed = runner.invoke(main, ["fleet", "token", "list", *store])
    assert "bot" in listed.output and token not in listed.output
    assert token.encode() not in db.read_bytes()  # only its hash is stored
    assert runner.invoke(main, ["fleet", "token", "revoke", "bot", *store]).exit_code == 0
    assert runner.invoke(main, ["fleet", "token", "revoke", "nope", *store]).exit_code == 1


async def test_login_form_sets_a_cookie(tmp_path: Path) -> None:
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, in_process(fleet) as api:
        page = await api.client.get("/login?next=/dashboard")
        assert page.status_code == 200 and 'name="token"' in page.text and 'value="/dashboard"' in page.text
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        wrong = await api.client.post("/login", content=b"token=tgf_nope&next=/x", headers=form)
        assert wrong.status_code == 401 and "unknown" in wrong.text and "set-cookie" not in wrong.headers
        for target, lands in (("/dashboard", "/dashboard"), ("//evil.example", "/"), ("https://evil.example", "/")):
            body = f"token={api.tokens['read']}&next={target}".encode()
            signed = await api.client.post("/login", content=body, headers=form)
            assert signed.status_code == 303 and signed.headers["location"] == lands
            cookie = signed.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        api.client.cookies.clear()
        assert (await api.client.get("/v1/accounts")).status_code == 401
        api.client.cookies.set("tgfleet_token", api.tokens["read"])
        assert (await api.client.get("/v1/accounts")).status_code == 200
