"""``tgfleet fleet ...`` on both engines: init, accounts import/list/show/export/disable/enable, leases, workers,
and the clear errors (missing store, wrong URL, newer schema, duplicate key, wrong seal key) with exit code 1."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tgfleet.cli import main
from tgfleet.cli.fleet_worker import lease_settings
from tgfleet.client.session_strings import decode_session_string
from tgfleet.errors import rpc_error
from tgfleet.fleet import AccountState, Evidence, Fleet, LeaseSettings

from .helpers import pyrogram_string


def fleet(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["fleet", *args], input=stdin, env=env)


def test_the_commands_work_end_to_end(store_url: str) -> None:
    key = os.urandom(256)
    init = fleet("init", "--store", store_url, "--json")
    assert init.exit_code == 0, init.output
    assert json.loads(init.stdout)["schema_version"] >= 1
    proxy = "socks5://user:hunter2@127.0.0.1:1080"
    imported = fleet("accounts", "import", "-", "--store", store_url, "--label", "s1", "--pool", "support",
                     "--proxy", proxy, "--json", stdin=pyrogram_string(key=key))  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert "hunter2" not in imported.stdout
    listed = json.loads(fleet("accounts", "list", "--store", store_url, "--json").stdout)
    assert [(a["label"], a["state"], a["pool"]) for a in listed] == [("s1", "new", "support")]
    assert "s1" in fleet("accounts", "list", "--store", store_url).stdout
    exported = fleet("accounts", "export", "s1", "--format", "pyrogram", "--store", store_url)
    assert exported.exit_code == 0 and "left the fleet" not in exported.stdout and "warning" in exported.stderr
    assert decode_session_string(exported.stdout.strip()).auth_key == key
    shown = fleet("accounts", "show", "s1", "--store", store_url)
    assert "a copy of this account's key left the fleet" in shown.stdout and "hunter2" not in shown.stdout
    assert fleet("accounts", "disable", "s1", "--reason", "test", "--store", store_url).stdout.strip() == "s1: disabled"
    assert fleet("accounts", "enable", "s1", "--store", store_url).stdout.strip() == "s1: new"
    events = json.loads(fleet("accounts", "show", "s1", "--store", store_url, "--json").stdout)["events"]
    assert [e["kind"] for e in events] == ["import", "export", "state", "state"]

    async def hold() -> None:
        async with Fleet.open(store_url) as f:
            worker = await f.workers.register(3, host="h9", pid=99)
            await f.leases.claim(worker)

    asyncio.run(hold())
    leases = json.loads(fleet("leases", "--store", store_url, "--json").stdout)
    assert [(lease["label"], lease["host"], lease["epoch"], lease["live"]) for lease in leases] == [
        ("s1", "h9", 1, True)
    ]
    workers = json.loads(fleet("workers", "--store", store_url, "--json").stdout)
    assert [(w["host"], w["capacity"], w["leases"]) for w in workers] == [("h9", 3, 1)]
    assert (
        "h9" in fleet("workers", "--store", store_url).stdout
        and "account:" in fleet("leases", "--store", store_url).stdout
    )


def test_errors_are_clear_and_exit_non_zero(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = fleet("accounts", "list", "--store", store_url)
    assert missing.exit_code == 1 and "fleet init" in missing.stderr
    wrong = fleet("accounts", "list", "--store", "mysql://db/fleet")
    assert wrong.exit_code == 1 and "unknown store engine 'mysql'" in wrong.stderr
    assert fleet("init", "--store", store_url).exit_code == 0
    text = pyrogram_string()
    assert fleet("accounts", "import", text, "--label", "a", "--store", store_url).exit_code == 0
    duplicate = fleet("accounts", "import", text, "--label", "b", "--store", store_url)
    assert duplicate.exit_code == 1 and "already account 'a'" in duplicate.stderr
    absent = fleet("accounts", "show", "zzz", "--store", store_url)
    assert absent.exit_code == 1 and "no account 'zzz'" in absent.stderr

    monkeypatch.setenv("TGFLEET_FLEET_KEY", base64.b64encode(os.urandom(32)).decode())
    sealed = fleet("accounts", "list", "--store", store_url)
    assert sealed.exit_code == 1 and "is not the key" in sealed.stderr
    monkeypatch.delenv("TGFLEET_FLEET_KEY")

    async def newer() -> None:
        async with Fleet.open(store_url) as f, f.store.transaction() as tx:
            await tx.execute("UPDATE schema_version SET version = version + 1")

    asyncio.run(newer())
    too_new = fleet("accounts", "list", "--store", store_url)
    assert too_new.exit_code == 1 and "newer than this tgfleet knows" in too_new.stderr


def test_init_makes_the_key_file_it_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = fleet("init", "--store", url, "--key-file", str(tmp_path / "k"))
    assert result.exit_code == 0 and str(tmp_path / "k") in result.stdout
    assert len(base64.b64decode((tmp_path / "k").read_bytes())) == 32


def test_the_store_is_fleet_db_in_the_working_directory_unless_tgfleet_store_names_another(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("TGFLEET_STORE", raising=False)
    assert fleet("init").exit_code == 0 and (work / "fleet.db").is_file()
    assert fleet("accounts", "import", pyrogram_string(), "--label", "here").exit_code == 0
    assert fleet("init", "--store", store_url).exit_code == 0
    there = fleet("accounts", "import", pyrogram_string(), "--label", "there", env={"TGFLEET_STORE": store_url})
    assert there.exit_code == 0, there.output

    async def labels(url: str | None) -> list[str]:
        async with Fleet.open(url) as f:
            return [a.label for a in await f.accounts.list()]

    assert asyncio.run(labels(None)) == ["here"] and asyncio.run(labels(store_url)) == ["there"]
    monkeypatch.setenv("TGFLEET_STORE", store_url)
    assert asyncio.run(labels(None)) == ["there"]  # Fleet.open() reads it too


def test_lease_ttl_sets_renew_and_grace_to_a_third_of_it_and_the_defaults_are_30_10_10() -> None:
    assert lease_settings(None) == LeaseSettings() == LeaseSettings(ttl=30.0, renew_interval=10.0, grace=10.0)
    assert lease_settings(9.0) == LeaseSettings(ttl=9.0, renew_interval=3.0, grace=3.0)


def test_show_and_list_tell_the_state_since_when_until_when_and_why(store_url: str) -> None:
    assert fleet("init", "--store", store_url).exit_code == 0
    assert fleet("accounts", "import", pyrogram_string(), "--label", "s1", "--store", store_url).exit_code == 0

    async def limit() -> None:
        async with Fleet.open(store_url) as f:
            why = Evidence.from_error(rpc_error(420, "FLOOD_WAIT_3600"), flood_seconds=3600, until=4102444800.0)
            await f.accounts.set_state("s1", AccountState.LIMITED, evidence=why, until=4102444800.0)

    asyncio.run(limit())
    shown = fleet("accounts", "show", "s1", "--store", store_url).stdout
    assert "state:          limited" in shown and "state_until:    2100-01-01 00:00:00Z" in shown
    assert "new -> limited" in shown and "420 FLOOD_WAIT_3600" in shown
    assert "flood_seconds: 3600" in shown and "until: 2100-01-01 00:00:00Z" in shown
    data = json.loads(fleet("accounts", "show", "s1", "--store", store_url, "--json").stdout)
    assert (data["account"]["state"], data["account"]["state_until"]) == ("limited", 4102444800.0)
    assert data["events"][-1]["evidence"] == {"code": 420, "name": "FLOOD_WAIT_3600", "message": data["events"][-1][
        "evidence"]["message"], "detail": {"flood_seconds": 3600, "until": 4102444800.0}}  # fmt: skip
    listed = fleet("accounts", "list", "--store", store_url).stdout.splitlines()
    assert listed[0].split()[:4] == ["label", "state", "since", "until"]
    assert "limited" in listed[1] and "2100-01-01" in listed[1]


def test_send_and_the_outbox_commands(store_url: str) -> None:
    assert fleet("init", "--store", store_url).exit_code == 0
    assert (
        fleet("accounts", "import", "-", "--store", store_url, "--label", "s1", stdin=pyrogram_string()).exit_code == 0
    )
    args = ["send", "--to", "@alice", "--text", "hi", "--account", "s1", "--key", "k1", "--store", store_url, "--json"]
    sent = fleet(*args)
    assert sent.exit_code == 0, sent.output
    message = json.loads(sent.stdout)
    assert (message["state"], message["peer"], message["account"]) == ("queued", "@alice", "s1")
    assert json.loads(fleet(*args).stdout)["id"] == message["id"]  # the same key: the same message
    conflict = fleet("send", "--to", "@bob", "--text", "hi", "--account", "s1", "--key", "k1", "--store", store_url)
    assert conflict.exit_code == 1 and "idempotency key 'k1'" in conflict.output
    listed = json.loads(fleet("outbox", "list", "--state", "queued", "--store", store_url, "--json").stdout)
    assert [m["id"] for m in listed] == [message["id"]]
    mid = str(message["id"])
    assert "message " + mid + ": queued" in fleet("outbox", "show", mid, "--store", store_url).stdout
    assert json.loads(fleet("outbox", "cancel", mid, "--store", store_url, "--json").stdout)["state"] == "cancelled"
    again = fleet("outbox", "cancel", mid, "--store", store_url)
    assert again.exit_code == 1 and "cannot be cancelled" in again.output
    assert json.loads(fleet("outbox", "retry", mid, "--store", store_url, "--json").stdout)["state"] == "queued"
    shown = json.loads(fleet("outbox", "show", mid, "--store", store_url, "--json").stdout)
    assert shown["message"]["state"] == "queued" and shown["attempts"] == []
    assert fleet("send", "--to", "@a", "--text", "x", "--store", store_url).exit_code == 1  # neither account nor pool
