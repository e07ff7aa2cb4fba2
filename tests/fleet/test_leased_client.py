"""``fleet.lease(label)`` on both engines: an exclusive Client on the account's fenced session for the block (held
in the store while inside, free at once after), refused while anyone else holds the account, and cut off at once
when the lease is lost inside the block; ``tgfleet fleet accounts check LABEL`` (a process) leases the account,
makes one authorized call and records the outcome."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tgfleet import ConnectionState
from tgfleet.errors import ConnectionFailed, NetworkError
from tgfleet.fleet import AccountState, Fleet, LeaseHeldError, LeaseSettings
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from .helpers import until
from .workers import TIMEOUT, holders, seed, write_info

SETTINGS = LeaseSettings(ttl=3.0, renew_interval=1.0, grace=1.0)


async def test_a_lease_gives_an_exclusive_client_and_frees_the_account_on_exit(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        holder = fleet.lease(account.label, network=tg.network, api_id=tg.api_id)
        async with holder as client:
            assert (await client.get_me()).id == account.user_id
            assert holders(await fleet.leases.list()) == {account.label: holder.worker_id}
            with pytest.raises(LeaseHeldError) as held:
                async with fleet.lease(account.label, network=tg.network):
                    pass
            assert held.value.holder == holder.worker_id
            worker = await fleet.workers.register(10)
            assert await fleet.leases.claim(worker) == []  # no worker takes it meanwhile
        assert holders(await fleet.leases.list()) == {account.label: None}
        assert [lease.account_id for lease in await fleet.leases.claim(worker)] == [account.account_id]
        assert tg.key_use.overlaps() == []


@pytest.mark.parametrize("noticed_by", ["renewal", "write"])
async def test_a_lease_lost_inside_the_block_cuts_the_client_off(store_url: str, noticed_by: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [account] = await seed(tg, fleet, 1)
        holder = fleet.lease(account.label, network=tg.network, api_id=tg.api_id)
        async with holder as client:
            await client.get_me()
            me = await fleet.workers.get(holder.worker_id)
            await fleet.leases.release(me, [holder.lease])  # taken away (an operator moving it, say)
            await fleet.leases.acquire_account(account.account_id, await fleet.workers.register(1))
            if noticed_by == "write":  # a session write flushed now is refused before the next renewal
                assert client.storage is not None
                client.storage.set_time_offset(2, 1.0)
                client.storage.save()
            changes = client.state_changes()
            while client.state is ConnectionState.CONNECTED:  # the next renewal, or the next write: cut off
                await within(changes.__anext__(), TIMEOUT)
            assert holder.fenced is not None
            with pytest.raises((ConnectionError, ConnectionFailed, NetworkError)):
                await client.get_me()

            async def closed() -> bool | None:  # the sandbox saw the connection end (by the client, not a timeout)
                return not any(account.key_id in c.keys_seen for c in tg.connections()) or None

            await until(closed)


async def test_the_check_command_leases_the_account_and_records_the_outcome(store_url: str, tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        [good, revoked] = await seed(tg, fleet, 2)
        tg.revoke(auth_key_id=revoked.key_id)
        info = write_info(tg, tmp_path / "sandbox.json")

        async def check(label: str) -> tuple[int, dict[str, object]]:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tgfleet.cli", "fleet", "accounts", "check", label, "--store", store_url,
                "--sandbox-info", str(info), "--json", stdout=asyncio.subprocess.PIPE, env=dict(os.environ),
            )  # fmt: skip
            out, _ = await within(proc.communicate(), TIMEOUT)
            return proc.returncode or 0, json.loads(out)

        code, result = await check(good.label)
        assert code == 0 and result["outcome"] == "ok" and result["user_id"] == good.user_id
        checked = await fleet.accounts.get(good.label)
        assert (checked.state, checked.last_probe_result) == (AccountState.ACTIVE, "ok")
        assert checked.last_probe_at is not None
        listed = await fleet.accounts.sessions(good.label)
        assert listed is not None and [s.current for s in listed.sessions] == [True]
        code, result = await check(revoked.label)
        assert code == 1 and "AUTH_KEY_UNREGISTERED" in str(result["outcome"])
        ended = await fleet.accounts.get(revoked.label)
        assert (ended.state, ended.last_probe_result) == (AccountState.NEEDS_LOGIN, "AUTH_KEY_UNREGISTERED")
        assert set(holders(await fleet.leases.list()).values()) == {None}
