"""More login flows driven by a worker against the sandbox, on both engines: the sign-up of a number with no account
(a name Telegram refuses on the way, a code that died meanwhile), ``tgfleet fleet accounts login`` signing up a
number from ``--json`` steps, the migration that adds the state; a code sent again (``auth.resendCode``: its new way,
Telegram's refusals on the flow, ``tgfleet fleet logins resend``); an account of the store logged in again in place
(same id, label, pool, outbox rows; the old key's holder fenced), and refused when the phone is someone else's now."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.fleet import AccountState, Fleet
from tgfleet.fleet.changes import Change
from tgfleet.fleet.errors import FleetValueError, LoginBudgetExceeded, LoginNotFound, LoginStateError, StaleEpoch
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.login_records import LoginFlow, LoginState
from tgfleet.fleet.snapshot import DcRecord, SessionChanges
from tgfleet.fleet.store import MIGRATIONS, IntegrityError, open_store
from tgfleet.fleet.store.schema import V_LOGIN_SIGNUP
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.codes import NoLoginCode
from tgfleet.tl.functions import auth as f_auth

from ..client.helpers import make_client
from .helpers import until
from .test_logins import SETTINGS, _state_is, changed, login_cli, running, state
from .workers import TIMEOUT

NEW_PHONE = "+15552100001"


async def test_a_number_with_no_account_signs_up(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        assert tg.user_by_phone(NEW_PHONE) is None
        flow = await state(fleet, await fleet.logins.start(phone=NEW_PHONE, label="nora"), "code_sent")
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_name(flow.id, "Nora")  # the code first
        flow = await state(fleet, await fleet.logins.submit_code(flow.id, tg.login_code(NEW_PHONE)), "sign_up_needed")
        assert flow.error is None and flow.account_id is None
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_code(flow.id, "12345")  # the code was used: a name now
        with pytest.raises(FleetValueError):
            await fleet.logins.submit_name(flow.id, "   ")
        flow = await changed(fleet, await fleet.logins.submit_name(flow.id, "N" * 65))  # too long for Telegram
        assert flow.state.value == "sign_up_needed" and flow.error and flow.error["name"] == "FIRSTNAME_INVALID"
        flow = await state(fleet, await fleet.logins.submit_name(flow.id, " Nora ", "Newman"), "authorized")
        nora = tg.user_by_phone(NEW_PHONE)
        assert nora is not None and (nora.first_name, nora.last_name) == ("Nora", "Newman")
        account = await fleet.accounts.get("nora")
        assert flow.account_id == account.id and account.user_id == nora.id and account.phone == NEW_PHONE
        await until(lambda: _state_is(fleet, "nora", AccountState.ACTIVE), timeout=TIMEOUT)  # a worker runs it
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_name(flow.id, "Nora")  # ended


async def test_a_sign_up_whose_code_died_fails_with_telegrams_error(store_url: str) -> None:
    async with Sandbox(dcs=1) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        phone = "+15552100002"
        flow = await state(fleet, await fleet.logins.start(phone=phone), "code_sent")
        flow = await state(fleet, await fleet.logins.submit_code(flow.id, tg.login_code(phone)), "sign_up_needed")
        other = make_client(tg, "elsewhere")
        await other.connect()
        await other.send_code(phone)  # a new code for the number: the flow's one dies
        await other.disconnect()
        flow = await state(fleet, await fleet.logins.submit_name(flow.id, "Late"), "failed")
        assert flow.error and flow.error["name"] == "PHONE_CODE_EXPIRED"
        assert tg.user_by_phone(phone) is None and await fleet.accounts.list() == []


async def test_the_cli_signs_a_number_up_from_json_steps(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        phone = "+15552100003"

        def answer(step: dict[str, Any]) -> str | None:
            if step["state"] == "code_sent":
                return tg.login_code(phone)
            if step["state"] == "sign_up_needed":  # a name Telegram refuses first, then a good one
                return "Olga" if step["error"] else "O" * 65
            return None

        printed = await login_cli(store_url, ["--phone", phone, "--label", "olga", "--last-name", "Ortiz"], answer)
        steps = [(step["state"], (step["error"] or {}).get("name")) for step in printed]
        assert steps == [("starting", None), ("code_sent", None), ("sign_up_needed", None),
                         ("sign_up_needed", "FIRSTNAME_INVALID"), ("authorized", None)]  # fmt: skip
        olga = tg.user_by_phone(phone)
        assert olga is not None and (olga.first_name, olga.last_name) == ("Olga", "Ortiz")
        assert (await fleet.accounts.get("olga")).user_id == olga.id


async def test_a_store_from_before_sign_up_keeps_its_flows_and_takes_the_new_state(store_url: str) -> None:
    store = await open_store(store_url, migrations=MIGRATIONS[: MIGRATIONS.index(V_LOGIN_SIGNUP)])
    async with store.transaction() as tx:
        await tx.execute(
            "INSERT INTO logins (phone, method, label, pool, state, info, created_at, updated_at, expires_at) VALUES"
            " ('+15552100009', 'code', 'old', 'default', 'code_sent', '{{}}', {now}, {now}, {now} + 900)"
        )
    await store.close()
    async with Fleet.open(store_url) as fleet:
        [old] = await fleet.logins.list()
        assert (old.label, old.state.value) == ("old", "code_sent")
        async with fleet.store.transaction() as tx:
            await tx.execute("UPDATE logins SET state = 'sign_up_needed' WHERE id = :id", {"id": old.id})
        with pytest.raises(IntegrityError):
            async with fleet.store.transaction() as tx:
                await tx.execute("UPDATE logins SET state = 'bogus' WHERE id = :id", {"id": old.id})
        await fleet.logins.cancel(old.id)  # the change journal's triggers still see the flow
        async with fleet.store.transaction(readonly=True) as tx:
            journal = await tx.fetch("SELECT state, from_state FROM changes WHERE kind = 'login' ORDER BY id")
        assert [tuple(row) for row in journal] == [
            ("code_sent", None), ("sign_up_needed", "code_sent"), ("failed", "sign_up_needed")]  # fmt: skip


async def test_the_store_takes_every_login_state(store_url: str) -> None:
    """A state added to ``LoginState`` needs a migration of the CHECK (this fails until it has one)."""
    async with Fleet.open(store_url) as fleet, fleet.store.transaction() as tx:
        for state_ in LoginState:
            await tx.execute(
                "INSERT INTO logins (phone, method, label, pool, state, info, created_at, updated_at, expires_at)"
                " VALUES ('+15552100008', 'code', 'x', 'default', :state, '{{}}', {now}, {now}, {now})",
                {"state": state_.value},
            )


async def test_a_code_sent_again_shows_its_new_way_and_telegrams_refusals(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        rita = tg.add_user(phone="+15552100004", first_name="Rita", dc=2)
        flow = await state(fleet, await fleet.logins.start(phone=rita.phone, label="rita"), "code_sent")
        assert (flow.code_type, flow.next_type, flow.resend_after) == ("sms", "call", 60)
        first_code = tg.login_code(rita.phone)
        resent = await asyncio.to_thread(CliRunner().invoke, main, ["fleet", "logins", "resend", str(flow.id),
                                                                    "--json", "--store", store_url])  # fmt: skip
        assert resent.exit_code == 0 and json.loads(resent.output)["state"] == "code_sent", resent.output
        flow = await changed(fleet, replace(flow, updated_at=json.loads(resent.output)["updated_at"]))
        assert (flow.code_type, flow.next_type, flow.resend_after, flow.error) == ("call", None, None, None)
        call_code = tg.login_code(rita.phone)
        assert call_code != first_code
        flow = await changed(fleet, await fleet.logins.resend_code(flow.id))  # no other way left
        assert flow.state.value == "code_sent" and flow.error and flow.error["name"] == "SEND_CODE_UNAVAILABLE"
        tg.force_flood(f_auth.ResendCode, 600)
        flow = await changed(fleet, await fleet.logins.resend_code(flow.id))
        assert flow.state.value == "code_sent" and flow.error and flow.error["name"] == "FLOOD_WAIT_600"
        assert (flow.code_type, tg.login_code(rita.phone)) == ("call", call_code)  # nothing new was sent
        flow = await state(fleet, await fleet.logins.submit_code(flow.id, call_code), "authorized")
        assert (await fleet.accounts.get("rita")).user_id == rita.id
        with pytest.raises(LoginStateError):
            await fleet.logins.resend_code(flow.id)
        with pytest.raises(LoginNotFound):
            await fleet.logins.resend_code(10**9)
        with pytest.raises(LoginBudgetExceeded) as caught:  # the flood wait is the phone's
            await fleet.logins.start(phone=rita.phone, label="rita-2")
        assert 0 < caught.value.retry_after <= 600


async def test_what_a_flow_shows_in_the_same_state_is_in_the_change_journal(store_url: str) -> None:
    """A code sent again by call, then Telegram's refusal of one more: the flow stays ``code_sent`` but shows
    something new, and the journal (the event stream, the dashboard's live reload) has one row for each answer."""
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        tess = tg.add_user(phone="+15552100007", first_name="Tess", dc=2)
        flow = await state(fleet, await fleet.logins.start(phone=tess.phone), "code_sent")
        for shown in ("call", "SEND_CODE_UNAVAILABLE"):
            after = await fleet.changes.last_id()
            await fleet.logins.resend_code(flow.id)  # the operator's input alone is no row: it shows nothing new

            async def journalled(after: int = after) -> list[Change] | None:
                return [c for c in await fleet.changes.read(after) if c.kind == "login"] or None

            [change] = await until(journalled, timeout=TIMEOUT)
            assert (change.subject_id, change.state, change.from_state) == (flow.id, "code_sent", "code_sent")
            flow = await fleet.logins.get(flow.id)  # written in the row's transaction
            assert shown in (flow.code_type, (flow.error or {}).get("name")), flow


async def test_a_resend_after_the_code_died_fails_the_flow(store_url: str) -> None:
    async with Sandbox(dcs=1) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        sam = tg.add_user(phone="+15552100005", first_name="Sam")
        flow = await state(fleet, await fleet.logins.start(phone=sam.phone), "code_sent")
        other = make_client(tg, "elsewhere")
        await other.connect()
        await other.send_code(sam.phone)  # the flow's code dies
        await other.disconnect()
        flow = await state(fleet, await fleet.logins.resend_code(flow.id), "failed")
        assert flow.error and flow.error["name"] == "PHONE_CODE_EXPIRED"


async def _logged_in(fleet: Fleet, tg: Sandbox, phone: str, **start: Any) -> LoginFlow:
    """A flow for ``phone`` authorized: with the code, or at once with a kept future auth token."""
    flow = await fleet.logins.wait((await fleet.logins.start(phone=phone, **start)).id, timeout=TIMEOUT)
    if flow.state.value == "code_sent":
        flow = await fleet.logins.submit_code(flow.id, tg.login_code(phone))
    return await state(fleet, flow, "authorized")


async def test_a_needs_login_account_is_logged_in_again_in_place(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        fay = tg.add_user(phone="+15552100006", first_name="Fay", dc=2)
        bob = tg.add_user(phone="+15552100007", first_name="Bob", username="bob_relogin", dc=1)
        first = await _logged_in(fleet, tg, fay.phone, label="fay", pool="support")
        await until(lambda: _state_is(fleet, "fay", AccountState.ACTIVE), timeout=TIMEOUT)
        before = await fleet.accounts.get("fay")
        tg.revoke(user_id=fay.id)  # Telegram ended the session: the next call meets the revoked key
        held = await fleet.outbox.send(account="fay", peer="bob_relogin", text="after the revoke")
        await until(lambda: _state_is(fleet, "fay", AccountState.NEEDS_LOGIN), timeout=TIMEOUT)
        with pytest.raises(FleetValueError):
            await fleet.logins.start(phone=fay.phone, label="fay-2")  # the phone is fay's: no second account
        flow = await fleet.logins.start(phone=fay.phone)
        assert (flow.account_id, flow.label, flow.pool) == (before.id, "fay", "support")
        flow = await state(fleet, flow, "authorized")  # the future auth token of fay's first login: no code
        with pytest.raises(NoLoginCode):
            tg.login_code(fay.phone)
        after = await fleet.accounts.get("fay")
        assert (flow.account_id, after.id, after.pool, after.user_id) == (
            first.account_id,
            before.id,
            "support",
            fay.id,
        )
        assert after.auth_key_id not in (None, before.auth_key_id) and len(await fleet.accounts.list()) == 1
        moved = [e for e in await fleet.accounts.events("fay") if e.kind == "state"][-3:]
        relogin = next(e for e in moved if e.from_state == "needs_login")
        assert relogin.to_state == "new" and relogin.evidence is not None
        assert (relogin.evidence.name, relogin.evidence.detail["login"]) == ("login", flow.id)
        await until(lambda: _state_is(fleet, "fay", AccountState.ACTIVE), timeout=TIMEOUT)  # a worker runs it again
        assert (await fleet.outbox.get(held.id)).account_id == before.id
        if (await fleet.outbox.get(held.id)).state.value == "held":  # its send met the revoked key: an operator's retry
            await fleet.outbox.retry(held.id)
        await until(lambda: _sent(fleet, held.id), timeout=TIMEOUT)
        assert [m.text for m in tg.messages_of(bob.id, fay.id)] == ["after the revoke"]  # by fay, with the new key
        assert tg.key_use.overlaps() == []


async def _sent(fleet: Fleet, message_id: int) -> bool | None:
    return True if (await fleet.outbox.get(message_id)).state.value == "sent" else None


async def test_a_holder_of_the_old_key_is_fenced_by_the_re_login(store_url: str) -> None:
    """A client still holding the account's lease with the old key: after the re-login its lease is lost (renewals
    refused: it is cut off) and its writes are refused, so the old key never overwrites the new one."""
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg, capacity=0):
        gil = tg.add_user(phone="+15552100008", first_name="Gil", dc=2)
        await _logged_in(fleet, tg, gil.phone, label="gil")
        handle = fleet.lease("gil", network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, timeout=10.0)
        async with handle as old:
            assert (await old.get_me()).id == gil.id
            old_key = (await fleet.accounts.get("gil")).auth_key_id
            assert isinstance(old.storage, FencedStorage)
            key = old.storage.get_auth_key(2)
            assert key is not None
            await _logged_in(fleet, tg, gil.phone)  # the same account, a new key, while the old one is held
            await until(lambda: _fenced(handle), timeout=TIMEOUT)  # its renewal was refused: cut off
            assert not handle.may_send()
            with pytest.raises(StaleEpoch):  # the old holder's fenced write of its key (what its storage flushes)
                await fleet.sessions.write(handle.lease.account_id or 0, handle.lease.epoch,
                                           SessionChanges(dcs={2: DcRecord(key, None, 0.0)}))  # fmt: skip
        account = await fleet.accounts.get("gil")
        assert account.auth_key_id not in (None, old_key) and account.state is AccountState.NEW
        assert account.epoch > handle.lease.epoch


async def _fenced(handle: Any) -> bool | None:
    return True if handle.fenced is not None else None


async def test_a_re_login_as_another_user_changes_nothing(store_url: str) -> None:
    async with Sandbox(dcs=1) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg, capacity=0):
        ivo = tg.add_user(phone="+15552100009", first_name="Ivo")
        await _logged_in(fleet, tg, ivo.phone, label="ivo")
        before, events = await fleet.accounts.get("ivo"), await fleet.accounts.events("ivo")
        leases = await _account_leases(fleet)
        tg.world.delete_user(ivo.id)  # the number is free: someone else signs up with it
        newcomer = tg.add_user(phone=ivo.phone, first_name="Newcomer")
        flow = await fleet.logins.start(phone=ivo.phone)
        assert flow.account_id == before.id
        flow = await state(fleet, flow, "code_sent")  # ivo's future auth token is not the newcomer's
        flow = await state(fleet, await fleet.logins.submit_code(flow.id, tg.login_code(ivo.phone)), "failed")
        assert flow.error and flow.error["name"] == "ACCOUNT_MISMATCH" and str(newcomer.id) in flow.error["message"]
        assert await fleet.accounts.get("ivo") == before and await fleet.accounts.events("ivo") == events
        assert await _account_leases(fleet) == leases


async def _account_leases(fleet: Fleet) -> list[Any]:
    return [lease for lease in await fleet.leases.list() if lease.account_id is not None]
