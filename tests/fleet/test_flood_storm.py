"""Flood storms against the sandbox, on both engines: the sandbox answers FLOOD_WAIT to half the accounts; each wait
goes to the flood ledger with its raw error and end; those accounts send nothing more until it ends (their other
chats too), the others keep sending meanwhile, and a worker that crashed during the waits is followed by one that
keeps every wait (the new holder reads the ledger)."""

from __future__ import annotations

import time

from tgfleet.fleet import Fleet
from tgfleet.fleet.flood_ledger import SEND_METHOD
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.sandbox import Sandbox
from tgfleet.tl.functions import messages as f_messages

from .helpers import until
from .test_outbox_worker import SETTINGS, recipient, worker_running
from .workers import TIMEOUT, seed

WAIT = 8  # seconds: far longer than the others' sends take, so "meanwhile" holds on a loaded machine


async def test_flooded_accounts_wait_out_their_ledger_time_the_others_keep_sending(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 4)
        flooded, calm = accounts[:2], accounts[2:]
        peers = [recipient(tg)[1], recipient(tg)[1]]
        for account in flooded:
            tg.force_flood(f_messages.SendMessage, WAIT, times=1, user_id=account.user_id)
        ids = {a.label: [(await fleet.outbox.send(peer=p, text=f"{a.label} to {p}", account=a.label)).id
                         for p in peers] for a in accounts}  # fmt: skip

        async def all_sent(labels: list[str]) -> bool | None:
            states = [(await fleet.outbox.get(i)).state for label in labels for i in ids[label]]
            return True if all(s is OutboxState.SENT for s in states) else None

        async with worker_running(fleet, tg) as first:
            await until(lambda: all_sent([a.label for a in calm]), timeout=TIMEOUT)
            waits = await until(lambda: _ledger(fleet, len(flooded)), timeout=TIMEOUT)
            first.stop_now()  # a crash during the waits: it writes nothing more, its leases run out
        # the new holder of a flooded account learns its wait from the ledger alone
        async with worker_running(fleet, tg):
            await until(lambda: all_sent([a.label for a in accounts]), timeout=TIMEOUT * 2)

        ends = {w.account_id: w.wait.until for w in waits}
        assert set(ends) == {a.account_id for a in flooded}
        assert all(w.wait.method == SEND_METHOD and w.wait.chat == "" for w in waits)
        assert {(w.error.code, w.error.name) for w in waits} == {(420, f"FLOOD_WAIT_{WAIT}")}
        for account in flooded:
            attempts = [a for i in ids[account.label] for a in await fleet.outbox.attempts(i)]
            first = min(attempts, key=lambda a: a.at)
            assert first.outcome == "retry_wait" and ends[account.account_id] >= first.at + WAIT - 0.01
            assert all(a.at >= ends[account.account_id] for a in attempts if a is not first)  # nothing before its end
            assert sorted(a.outcome for a in attempts) == ["retry_wait", "sent", "sent"]
        for account in calm:
            attempts = [a for i in ids[account.label] for a in await fleet.outbox.attempts(i)]
            assert [a.outcome for a in attempts] == ["sent", "sent"]
            assert all(a.at < min(ends.values()) for a in attempts)  # sent while the others waited


async def _ledger(fleet: Fleet, count: int) -> list | None:  # type: ignore[type-arg]
    waits = await fleet.floods.active(time.time())
    return waits if len(waits) == count else None
