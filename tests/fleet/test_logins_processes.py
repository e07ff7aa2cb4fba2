"""A login flow outlives its worker: two ``tgfleet fleet worker`` processes over one store (both engines), the first
sends the code and is killed (-9); the second takes ``login:<id>`` once the lease expired and signs in with the code
the first one asked for (the flow's temporary key and phone_code_hash are in its sealed, fenced state), through 2FA.
A stale holder's writes are refused."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.errors import StaleLoginEpoch
from tgfleet.fleet.login_records import LoginState
from tgfleet.sandbox import Sandbox

from .helpers import until
from .workers import TIMEOUT, WorkerProcess, write_info

TTL = 3.0
SETTINGS = LeaseSettings(ttl=TTL, renew_interval=TTL / 3, grace=TTL / 3)
PASSWORD = "hunter2 and more"


async def test_another_worker_finishes_the_login_of_a_killed_one(store_url: str, tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        info = write_info(tg, tmp_path / "sandbox.json")
        frank = tg.add_user(phone="+15553000001", first_name="Frank", password=PASSWORD, dc=2)
        first = await WorkerProcess.cli(store_url, info, ttl=TTL)
        second: WorkerProcess | None = None
        try:
            first_id = await first.started()
            flow = await fleet.logins.start(phone=frank.phone, label="frank")
            flow = await fleet.logins.wait(flow.id, until={"code_sent"}, timeout=TIMEOUT)
            assert flow.worker == first_id
            code = tg.login_code(frank.phone)
            first.signal(signal.SIGKILL)
            await first.exited()
            second = await WorkerProcess.cli(store_url, info, ttl=TTL)
            second_id = await second.started()

            async def taken() -> bool | None:
                return True if (await fleet.logins.get(flow.id)).worker == second_id else None

            await until(taken, timeout=TIMEOUT)
            flow = await fleet.logins.submit_code(flow.id, code)  # the code the killed worker asked for
            flow = await fleet.logins.wait(flow.id, until={"password_needed"}, timeout=TIMEOUT)
            flow = await fleet.logins.submit_password(flow.id, PASSWORD)
            flow = await fleet.logins.wait(flow.id, until={"authorized"}, timeout=TIMEOUT)
            assert flow.state is LoginState.AUTHORIZED and flow.worker == second_id
            assert (await fleet.accounts.get("frank")).user_id == frank.id
        except BaseException:
            for proc in (first, second):
                if proc is not None:
                    await proc.close()
                    print("worker stderr:", (await proc.stderr())[-3000:], proc.events.seen[-10:])
            raise
        finally:
            await first.close()
            if second is not None:
                second.signal(signal.SIGTERM)
                await second.exited()
                await second.close()


async def test_a_stale_holders_writes_are_refused(store_url: str) -> None:
    async with Fleet.open(store_url, settings=SETTINGS) as fleet:
        flow = await fleet.logins.start(phone="+15553000002")
        me = await fleet.workers.register(0)
        old = await fleet.leases.acquire(f"login:{flow.id}", me)
        await fleet.leases.release(me, [old])
        new = await fleet.leases.acquire(f"login:{flow.id}", me)
        assert new.epoch == old.epoch + 1
        assert await fleet.logins.holder(flow.id, new.epoch, me.id).save(LoginState.QR_WAITING, info={"qr_url": "x"})
        stale = fleet.logins.holder(flow.id, old.epoch, me.id)
        with pytest.raises(StaleLoginEpoch):
            await stale.save(LoginState.FAILED)
        with pytest.raises(StaleLoginEpoch):
            await stale.read()
        assert (await fleet.logins.get(flow.id)).state is LoginState.QR_WAITING
