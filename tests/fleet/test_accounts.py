"""Accounts on both engines: listing and lookup, operator disable/enable, fenced state changes with their events
(the raw error, worker and epoch), and sources that are not sessions."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tgfleet.errors import rpc_error
from tgfleet.fleet import (
    AccountNotFound,
    AccountState,
    Evidence,
    Fleet,
    FleetValueError,
    SessionImportError,
    StaleEpoch,
)
from tgfleet.fleet.account_fields import shown_policy
from tgfleet.fleet.store import MIGRATIONS, open_store
from tgfleet.net.proxy import TunnelProxy, parse_proxy

from .helpers import populate, pyrogram_string


async def test_accounts_are_listed_found_and_filtered(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        a = await fleet.accounts.import_session(pyrogram_string(), label="b-1", pool="support", phone="+1 555 0100",
                                                proxy="socks5://u:p@127.0.0.1:1080")  # fmt: skip
        await fleet.accounts.import_session(pyrogram_string(), label="a-1", pool="sales")
        assert [x.label for x in await fleet.accounts.list()] == ["a-1", "b-1"]
        assert [x.label for x in await fleet.accounts.list(pool="support")] == ["b-1"]
        got = await fleet.accounts.get("b-1")
        assert got == await fleet.accounts.get(a.id)
        assert (got.pool, got.phone, got.policy["proxy"], got.holder) == (
            "support",
            "+15550100",
            "socks5://u:p@127.0.0.1:1080",
            None,
        )
        assert "u:p@" not in repr(got)  # the proxy's password stays out of reprs
        with pytest.raises(AccountNotFound):
            await fleet.accounts.get("nope")
        with pytest.raises(FleetValueError):
            await fleet.accounts.import_session(pyrogram_string(), label="has space")
        with pytest.raises(FleetValueError):
            await fleet.accounts.import_session(pyrogram_string(), label="c", proxy="127.0.0.1:1080")


def _without_rdns(proxy: Any) -> Any:
    """A tunnel proxy as its URL keeps it (data centers are reached by IP address: rdns does not matter)."""
    return dataclasses.replace(proxy, rdns=None) if isinstance(proxy, TunnelProxy) else proxy


async def test_a_proxy_is_taken_in_every_form_a_client_takes_and_checked_at_once(store_url: str) -> None:
    """Issue 10: Pyrogram's proxy dict (and every other form ``Client(proxy=...)`` takes) everywhere a proxy is
    taken: stored as a URL or link that gives the worker's Client the same proxy; a malformed one is refused at
    the import, naming the problem; shown without its password or MTProxy secret."""
    pyrogram = dict(scheme="socks5", hostname="10.0.0.1", port=1080, username="al:ice", password="p@ss:w/rd")
    secret = "dd" + "0123456789abcdef" * 2
    forms: list[Any] = [
        pyrogram,
        (2, "10.0.0.1", 1080, True, "al:ice", "p@ss:w/rd"),  # Telethon's tuple
        dict(scheme="mtproxy", hostname="proxy.example.org", port=443, secret=secret),
        f"tg://proxy?server=proxy.example.org&port=443&secret={secret}",
    ]
    async with Fleet.open(store_url) as fleet:
        for i, form in enumerate(forms):
            account = await fleet.accounts.import_session(pyrogram_string(), label=f"p{i}", proxy=form)
            stored = (await fleet.accounts.get(account.id)).policy["proxy"]
            assert isinstance(stored, str) and parse_proxy(stored) == _without_rdns(parse_proxy(form))
            assert "p@ss" not in str(shown_policy(account.policy)) and secret not in str(shown_policy(account.policy))
        made = await fleet.accounts.create("fresh", proxy=pyrogram)
        assert parse_proxy(made.policy["proxy"]) == parse_proxy(pyrogram)
        for bad, problem in [
            (dict(pyrogram, port=70000), "port must be a number from 1 to 65535"),
            (dict(pyrogram, passwrod="x"), "unknown proxy keys"),
            ("socks5://h:99999", "port is not a number"),
            ("127.0.0.1:1080", "unknown proxy scheme"),
        ]:
            with pytest.raises(FleetValueError, match=problem):
                await fleet.accounts.import_session(pyrogram_string(), label="refused", proxy=bad)
        with pytest.raises(FleetValueError, match="port"):
            await fleet.accounts.create("refused", policy={"proxy": dict(pyrogram, port=0)})
        assert [a.label for a in await fleet.accounts.list()] == ["fresh", "p0", "p1", "p2", "p3"]


async def test_disable_and_enable_write_events_and_gate_claims(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        disabled = await fleet.accounts.disable("acct0", reason="spam complaints")
        assert disabled.state is AccountState.DISABLED
        worker = await fleet.workers.register(10)
        assert [lease.account_id for lease in await fleet.leases.claim(worker)] == [
            (await fleet.accounts.get("acct1")).id
        ]
        enabled = await fleet.accounts.enable("acct0")
        assert enabled.state is AccountState.NEW
        assert [lease.account_id for lease in await fleet.leases.claim(worker)] == [enabled.id]
        assert (await fleet.accounts.enable("acct0")).state is AccountState.NEW  # enabling an enabled one: no change
        timeline = await fleet.accounts.events("acct0")
        assert [(e.kind, e.from_state, e.to_state) for e in timeline] == [
            ("import", None, "new"), ("state", "new", "disabled"), ("state", "disabled", "new")]  # fmt: skip
        assert timeline[1].evidence.message == "spam complaints"


async def test_a_holders_state_change_is_fenced_and_keeps_the_raw_error(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = await fleet.workers.register(1), await fleet.workers.register(1)
        lease = await fleet.leases.acquire_account(account_id, one)
        error = rpc_error(420, "PEER_FLOOD")
        limited = await fleet.accounts.set_state(account_id, "limited", evidence=Evidence.from_error(error),
                                                 epoch=lease.epoch, worker=one.id)  # fmt: skip
        assert limited.state is AccountState.LIMITED
        event = (await fleet.accounts.events(account_id))[-1]
        assert (event.evidence.code, event.evidence.name, event.worker, event.epoch) == (420, "PEER_FLOOD", one.id, 1)
        assert "PEER_FLOOD" in (event.evidence.message or "")

        await fleet.leases.release(one, [lease])
        await fleet.leases.acquire_account(account_id, two)
        with pytest.raises(StaleEpoch):
            await fleet.accounts.set_state(account_id, AccountState.BANNED, epoch=lease.epoch, worker=one.id)
        assert (await fleet.accounts.get(account_id)).state is AccountState.LIMITED
        assert fleet.counters.fence_refusals == 1
        assert len(await fleet.accounts.events(account_id)) == 2  # the refused change wrote nothing


async def test_a_change_from_an_expected_state_leaves_an_operators_change_alone(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        worker = await fleet.workers.register(1)
        [lease] = await fleet.leases.claim(worker)
        await fleet.accounts.disable(account_id, reason="operator")  # while the worker believes it is new
        after = await fleet.accounts.set_state(account_id, AccountState.ACTIVE, epoch=lease.epoch, expect="new")
        assert after.state is AccountState.DISABLED
        assert [e.to_state for e in await fleet.accounts.events(account_id)] == ["new", "disabled"]
        await fleet.leases.release(worker, [lease])
        other = await fleet.workers.register(1)
        assert await fleet.leases.claim(other) == []  # the refused move left it not ready
        moved = await fleet.accounts.set_state(account_id, AccountState.NEW, expect=AccountState.DISABLED)
        assert moved.state is AccountState.NEW
        assert [claimed.account_id for claimed in await fleet.leases.claim(other)] == [account_id]


async def test_sources_that_are_not_sessions_are_refused(store_url: str, tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE things (x)")
    garbage = tmp_path / "garbage.session"
    garbage.write_bytes(b"\x00" * 4096)
    pyrogram_file = tmp_path / "short-key.session"
    with sqlite3.connect(pyrogram_file) as conn:
        conn.execute("CREATE TABLE sessions (dc_id, api_id, test_mode, auth_key, date, user_id, is_bot)")
        conn.execute("CREATE TABLE peers (id)")
        conn.execute("INSERT INTO sessions VALUES (2, 1, 0, x'0102', 0, 5, 0)")
    async with Fleet.open(store_url) as fleet:
        for source, problem in [
            ("not a session", "not a session string"),
            (str(tmp_path / "missing.session"), "cannot read"),
            (foreign, "tables: things"),
            (garbage, "not a readable session file"),
            (pyrogram_file, "must be 256 bytes, got 2"),
            ("x" * 5000, "neither a path nor a session string"),
        ]:
            with pytest.raises(SessionImportError, match=problem):
                await fleet.accounts.import_session(source, label="x")  # type: ignore[arg-type]
        assert await fleet.accounts.list() == []


async def test_a_version_1_store_gains_state_until_and_keeps_its_accounts(store_url: str) -> None:
    store = await open_store(store_url, migrations=MIGRATIONS[:1])  # a store written before the health columns
    async with store.transaction() as tx:
        await tx.execute(
            "INSERT INTO accounts (label, pool, state, state_since, policy, origin_format, origin_at, origin_detail,"
            " created_at, updated_at) VALUES ('old', 'default', 'active', 1, '{{}}', 'pyrogram', 1, '{{}}', 1, 1)"
        )
    await store.close()
    async with Fleet.open(store_url) as fleet:
        old = await fleet.accounts.get("old")
        assert (old.state, old.state_until) == (AccountState.ACTIVE, None)
        limited = await fleet.accounts.set_state("old", AccountState.LIMITED, until=1234.5)
        assert limited.state_until == 1234.5


async def test_a_state_holds_until_a_time_and_a_note_changes_no_state(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        [account_id] = await populate(fleet, 1)
        one, two = await fleet.workers.register(1), await fleet.workers.register(1)
        lease = await fleet.leases.acquire_account(account_id, one)
        await fleet.accounts.set_state(account_id, AccountState.FROZEN, epoch=lease.epoch, until=None)
        dates = Evidence(name="help.getAppConfig", detail={"freeze_until": 2000.0})
        noted = await fleet.accounts.note(account_id, dates, epoch=lease.epoch, expect="frozen", until=2000.0)
        assert (noted.state, noted.state_until) == (AccountState.FROZEN, 2000.0)
        last = (await fleet.accounts.events(account_id))[-1]
        assert (last.kind, last.from_state, last.to_state, last.evidence.detail) == (
            "evidence", "frozen", "frozen", {"freeze_until": 2000.0})  # fmt: skip
        assert (await fleet.accounts.note(account_id, dates, expect="active")).state_until == 2000.0  # not written
        assert len(await fleet.accounts.events(account_id)) == 3
        await fleet.leases.release(one, [lease])
        await fleet.leases.acquire_account(account_id, two)
        with pytest.raises(StaleEpoch):
            await fleet.accounts.note(account_id, dates, epoch=lease.epoch)
        moved = await fleet.accounts.set_state(account_id, AccountState.ACTIVE)
        assert moved.state_until is None  # a state's end goes with it


async def test_enable_leaves_the_states_with_no_way_back_but_deleted(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        for state in (AccountState.NEEDS_LOGIN, AccountState.REVOKED, AccountState.BANNED, AccountState.DISABLED):
            await fleet.accounts.set_state("acct0", state)
            assert (await fleet.accounts.enable("acct0")).state is AccountState.NEW
        for state in (AccountState.LIMITED, AccountState.FROZEN, AccountState.UNREACHABLE):  # a worker runs these
            await fleet.accounts.set_state("acct0", state)
            assert (await fleet.accounts.enable("acct0")).state is state
        await fleet.accounts.set_state("acct0", AccountState.DELETED)
        with pytest.raises(FleetValueError, match="deleted"):
            await fleet.accounts.enable("acct0")
        assert (await fleet.accounts.get("acct0")).state is AccountState.DELETED
