"""Login flows driven by a worker against the sandbox, on both engines: a code login through 2FA with wrong inputs on
the way (the password nowhere in the store), a QR login of an account on another DC with 2FA accepted by the user's
other session, a re-login with a kept future auth token (no code sent), the phone's budget, cancel, bad input, and
``tgfleet fleet accounts login --json`` / ``logins list|cancel``."""

from __future__ import annotations

import asyncio
import json
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.fleet import AccountState, Fleet, LeaseSettings
from tgfleet.fleet.errors import FleetValueError, LoginBudgetExceeded, LoginNotFound, LoginStateError
from tgfleet.fleet.login_records import LoginFlow, LoginSettings
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.codes import NoLoginCode

from ..client.helpers import make_client
from .helpers import until
from .workers import TIMEOUT, Events

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)
PASSWORD = "correct horse battery staple 42"


@asynccontextmanager
async def running(fleet: Fleet, tg: Sandbox, capacity: int = 1000) -> AsyncIterator[Worker]:
    events = Events()
    worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, on_event=events.add,
                    pacer=Pacer(8, 0.05), poll_interval=0.2, client_options={"timeout": 10.0},
                    capacity=capacity)  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        await events.until(lambda: events.of("started") or task.done(), what="the worker started")
        yield worker
    finally:
        worker.drain()
        await within(task, TIMEOUT)


Answer = Callable[[dict[str, Any]], "str | None"]  # the line a step of the login CLI gets (None: none)


async def login_cli(store_url: str, args: list[str], answer: Answer) -> list[dict[str, Any]]:
    """Run ``tgfleet fleet accounts login ARGS --json`` as a process, answer each step it prints with ``answer(step)``
    (None: no line), and return the steps once it exited 0 (the process is reaped whatever happens)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tgfleet.cli", "fleet", "accounts", "login", *args, "--json", "--store", store_url,
        stdin=PIPE, stdout=PIPE, stderr=PIPE,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    steps = []
    try:
        async for raw in proc.stdout:
            steps.append(json.loads(raw))
            line = answer(steps[-1])
            if line is not None:
                proc.stdin.write(line.encode() + b"\n")
                await proc.stdin.drain()
        assert await within(proc.wait(), TIMEOUT) == 0, await proc.stderr.read()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return steps


async def changed(fleet: Fleet, flow: LoginFlow) -> LoginFlow:
    """The flow once the worker wrote it again (a new state, or a new error in the same state)."""

    async def newer() -> LoginFlow | None:
        now = await fleet.logins.get(flow.id)
        return now if now.updated_at > flow.updated_at and now.worker is not None else None

    return await until(newer, timeout=TIMEOUT)


async def state(fleet: Fleet, flow: LoginFlow, wanted: str) -> LoginFlow:
    got = await fleet.logins.wait(flow.id, until={wanted}, timeout=TIMEOUT)
    assert got.state.value == wanted, got
    return got


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


async def test_code_login_through_2fa_never_stores_the_password(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        carol = tg.add_user(phone="+15552000001", first_name="Carol", password=PASSWORD, hint="the horse", dc=2)
        flow = await fleet.logins.start(phone=carol.phone, label="carol")
        assert flow.state.value == "starting" and flow.method == "code"
        flow = await state(fleet, flow, "code_sent")
        assert flow.code_type == "sms" and flow.resend_after
        code = tg.login_code(carol.phone)
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_password(flow.id, PASSWORD)  # not asked yet
        flow = await changed(fleet, await fleet.logins.submit_code(flow.id, wrong(code)))
        assert flow.state.value == "code_sent" and flow.error and flow.error["name"] == "PHONE_CODE_INVALID"
        flow = await state(fleet, await fleet.logins.submit_code(flow.id, code), "password_needed")
        assert flow.password_hint == "the horse" and flow.error is None
        flow = await changed(fleet, await fleet.logins.submit_password(flow.id, "not it"))
        assert flow.state.value == "password_needed" and flow.error["name"] == "PASSWORD_HASH_INVALID"
        flow = await state(fleet, await fleet.logins.submit_password(flow.id, PASSWORD), "authorized")
        account = await fleet.accounts.get("carol")
        assert flow.account_id == account.id and account.user_id == carol.id and account.phone == "+" + carol.phone
        await until(lambda: _state_is(fleet, "carol", AccountState.ACTIVE), timeout=TIMEOUT)  # a worker runs it
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_code(flow.id, code)  # ended
        assert tg.key_use.overlaps() == []  # the login's key went from the flow's client to the account's
    await _nowhere(store_url, PASSWORD.encode())


async def _state_is(fleet: Fleet, label: str, wanted: AccountState) -> bool | None:
    return True if (await fleet.accounts.get(label)).state is wanted else None


async def _nowhere(store_url: str, secret: bytes) -> None:
    """``secret`` is in no row of the store (and, on SQLite, in no byte of its files)."""
    if store_url.startswith("sqlite:///"):
        path = Path(store_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):
            assert secret not in file.read_bytes(), file
    async with Fleet.open(store_url, create=False) as fleet, fleet.store.transaction(readonly=True) as tx:
        for table in ("logins", "login_tokens", "accounts", "events", "session_dcs", "leases", "phone_waits"):
            for row in await tx.fetch(f"SELECT * FROM {table}"):
                blobs = [bytes(v) for v in row if isinstance(v, bytes | memoryview)]
                assert secret not in repr(row).encode() and all(secret not in b for b in blobs), table


async def test_qr_login_of_an_account_on_another_dc_with_2fa(store_url: str) -> None:
    async with Sandbox(dcs=3) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        dan = tg.add_user(phone="+15552000002", first_name="Dan", password=PASSWORD, dc=3)
        phone_app = make_client(tg, "phone")
        await phone_app.start(phone_number=dan.phone, code=lambda _: tg.login_code(dan.phone), password=PASSWORD)
        flow = await fleet.logins.start(phone=dan.phone, method="qr", label="dan")
        flow = await state(fleet, flow, "qr_waiting")
        assert flow.qr_url and flow.qr_url.startswith("tg://login?token=") and flow.qr_expires
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_code(flow.id, "12345")  # a QR flow takes no code
        await phone_app.accept_login_token(flow.qr_url)
        flow = await state(fleet, flow, "password_needed")
        flow = await state(fleet, await fleet.logins.submit_password(flow.id, PASSWORD), "authorized")
        account = await fleet.accounts.get("dan")
        assert account.dc_id == 3 and account.user_id == dan.id
        await until(lambda: _state_is(fleet, "dan", AccountState.ACTIVE), timeout=TIMEOUT)
        await phone_app.disconnect()


async def test_a_kept_future_auth_token_logs_in_again_without_a_code(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        eve = tg.add_user(phone="+15552000003", first_name="Eve", dc=1)
        flow = await state(fleet, await fleet.logins.start(phone=eve.phone, label="eve"), "code_sent")
        first = await state(fleet, await fleet.logins.submit_code(flow.id, tg.login_code(eve.phone)), "authorized")
        again = await fleet.logins.start(phone=eve.phone)  # eve's account again (in place: test_logins_more)
        again = await state(fleet, again, "authorized")  # straight from starting: no code_sent
        with pytest.raises(NoLoginCode):
            tg.login_code(eve.phone)
        assert again.account_id == first.account_id and (await fleet.accounts.get("eve")).user_id == eve.id


async def test_the_phone_budget_cancel_and_bad_input(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet:  # no worker: the flows stay where they are
        fleet.logins.settings = LoginSettings(daily_logins=2)
        first = await fleet.logins.start(phone="+15552000004")
        with pytest.raises(LoginStateError):
            await fleet.logins.start(phone="+15552000004")  # the first is still open
        cancelled = await fleet.logins.cancel(first.id)
        assert cancelled.state.value == "failed" and cancelled.error["name"] == "CANCELLED"
        with pytest.raises(LoginStateError):
            await fleet.logins.cancel(first.id)
        second = await fleet.logins.start(phone="+1 555 200 0004", method="qr")
        assert second.phone == first.phone and second.label == "15552000004"
        await fleet.logins.cancel(second.id)
        with pytest.raises(LoginBudgetExceeded) as caught:
            await fleet.logins.start(phone="+15552000004")
        assert 0 < caught.value.retry_after <= 86400
        other = await fleet.logins.start(phone="+15552000005")  # another phone has its own budget
        with pytest.raises(LoginStateError):
            await fleet.logins.submit_code(other.id, "12345")  # starting: no code was sent yet
        with pytest.raises(FleetValueError):
            await fleet.logins.submit_code(other.id, "  ")
        with pytest.raises(FleetValueError):
            await fleet.logins.start(phone="+15552000006", method="sms")
        with pytest.raises(FleetValueError):
            await fleet.logins.start(phone="not a phone")
        with pytest.raises(LoginNotFound):
            await fleet.logins.get(10**9)
        with pytest.raises(LoginNotFound):
            await fleet.logins.submit_code(10**9, "12345")
        assert [f.id for f in await fleet.logins.list()] == [other.id, second.id, first.id]
        assert [f.id for f in await fleet.logins.list(state="failed")] == [second.id, first.id]


async def test_the_cli_logs_in_with_json_steps_and_lists_the_flows(store_url: str, tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet, running(fleet, tg):
        gus = tg.add_user(phone="+15552000007", first_name="Gus", password=PASSWORD, dc=2)

        def answer(step: dict[str, Any]) -> str | None:
            if step["state"] == "code_sent":
                return tg.login_code(gus.phone)
            return PASSWORD if step["state"] == "password_needed" else None

        steps = await login_cli(store_url, ["--phone", gus.phone, "--label", "gus"], answer)
        states = [step["state"] for step in steps]
        assert states == ["starting", "code_sent", "password_needed", "authorized"]
        assert (await fleet.accounts.get("gus")).user_id == gus.id
        listed = await asyncio.to_thread(
            CliRunner().invoke, main, ["fleet", "logins", "list", "--json", "--store", store_url]
        )
        assert listed.exit_code == 0, listed.output
        [row] = json.loads(listed.output)
        assert row["state"] == "authorized" and row["label"] == "gus"
        cancel = ["fleet", "logins", "cancel", str(row["id"]), "--store", store_url]
        shown = await asyncio.to_thread(CliRunner().invoke, main, cancel)
        assert shown.exit_code == 1 and "authorized" in shown.output
