"""The inbox in one worker against the sandbox, on both engines: incoming messages of several accounts are stored once
(keyed by account, chat and message id) and each fleet handler runs once per message in its scope; a handler that
raises is tried again and then marked once; what a filter does not take is skipped; a second holder of the accounts
(after the first drained) runs nothing again and resumes their updates without a gap."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from click.testing import CliRunner

from tgfleet import filters
from tgfleet.cli import main
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from .workers import TIMEOUT, Events, seed

SETTINGS = LeaseSettings(ttl=2.0, renew_interval=0.5, grace=0.5)


@asynccontextmanager
async def worker_running(fleet: Fleet, tg: Sandbox) -> AsyncIterator[Events]:
    events = Events()
    worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash, on_event=events.add,
                    pacer=Pacer(8, 0.05), client_options={"timeout": 10.0}, poll_interval=0.2,
                    handler_retry=0.05)  # fmt: skip
    task = asyncio.create_task(worker.run())
    try:
        yield events
    finally:
        worker.drain()
        await within(asyncio.gather(task, return_exceptions=True), TIMEOUT)


class Seen:
    """What the handlers recorded, and waits on it (woken by each record, never polled)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (handler, account, text)
        self.changed = asyncio.Event()

    def add(self, handler: str, account: str, text: str) -> None:
        self.calls.append((handler, account, text))
        self.changed.set()

    async def until(self, condition: object, what: str) -> None:
        async def wait() -> None:
            while not condition():  # type: ignore[operator]
                self.changed.clear()
                await self.changed.wait()

        try:
            await within(wait(), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"not within {TIMEOUT} s: {what}; seen {len(self.calls)} {self.calls[-6:]}") from None


async def test_each_message_stored_once_and_handled_once(store_url: str) -> None:
    async with Sandbox(dcs=2) as tg, Fleet.open(store_url, settings=SETTINGS) as fleet:
        accounts = await seed(tg, fleet, 3)
        alice = tg.add_user("+15590000001", "Alice", dc=2)
        seen, failed = Seen(), Counter[str]()

        @fleet.on_message()
        async def everything(client: object, message: object) -> None:
            seen.add("everything", client.name, message.text)  # type: ignore[attr-defined]

        @fleet.on_message(filters.regex("^flaky"), account=accounts[0].label)
        def flaky(client: object, message: object) -> None:  # a plain one: in the client's executor
            text = message.text  # type: ignore[attr-defined]
            failed[text] += 1
            if failed[text] <= 2:
                raise RuntimeError("not yet")
            seen.add("flaky", client.name, text)  # type: ignore[attr-defined]

        texts = {a.label: [f"to {a.label} #{i}" for i in range(10)] for a in accounts}
        async with worker_running(fleet, tg) as events:
            await events.until(lambda: len(events.connected()) == 3, what="every account connected")
            for i in range(10):
                for a in accounts:
                    tg.world.send_message(alice.id, a.user_id, texts[a.label][i])
            tg.world.send_message(alice.id, accounts[0].user_id, "flaky one")
            tg.world.send_message(alice.id, accounts[1].user_id, "flaky elsewhere")  # out of flaky's scope
            await seen.until(lambda: len(seen.calls) == 33, "every message handled")
            stored = await fleet.inbox.list(limit=1000)
        expected = [("everything", a.label, t) for a in accounts for t in texts[a.label]]
        expected += [
            ("everything", accounts[0].label, "flaky one"),
            ("everything", accounts[1].label, "flaky elsewhere"),
        ]
        assert Counter(seen.calls) == Counter([*expected, ("flaky", accounts[0].label, "flaky one")])
        assert failed == {"flaky one": 3}  # raised twice, then done once; "flaky elsewhere" never reached it
        assert sorted((m.account, m.text) for m in stored) == sorted((a, t) for _, a, t in expected)
        assert {m.sender_id for m in stored} == {alice.id} and {m.chat_id for m in stored} == {alice.id}

        # a second holder (the first drained): nothing runs again; what arrived between them and what arrives now is
        # handled once (the state stored with the messages: no gap)
        for a in accounts:
            tg.world.send_message(alice.id, a.user_id, f"between {a.label}")
        async with worker_running(fleet, tg):
            for a in accounts:
                tg.world.send_message(alice.id, a.user_id, f"later {a.label}")
            await seen.until(lambda: len(seen.calls) == 39, "the later messages handled")
        later = [("everything", a.label, f"{when} {a.label}") for a in accounts for when in ("between", "later")]
        assert set(later) <= set(seen.calls)
        assert len(seen.calls) == len(set(seen.calls)) == 39
        marks = {m.text: m.handled for m in await fleet.inbox.list(account=accounts[0].label, limit=100)}
        flaky_name = f"{__name__}.{flaky.__qualname__}"
        everything_name = f"{__name__}.{everything.__qualname__}"
        assert marks["flaky one"] == tuple(sorted([everything_name, flaky_name]))
        assert marks[texts[accounts[0].label][0]] == tuple(sorted([everything_name, flaky_name]))  # skipped counts
        assert await fleet.inbox.list(chat=alice.id + 1) == []

        args = ["fleet", "inbox", "list", "--store", store_url, "--account", accounts[1].label, "--chat", str(alice.id)]
        listed = await asyncio.to_thread(CliRunner().invoke, main, [*args, "--json"])
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.stdout)
        assert sorted(r["text"] for r in rows) == sorted(
            [*texts[accounts[1].label], "flaky elsewhere", f"between {accounts[1].label}", f"later {accounts[1].label}"]
        )
        assert {(r["account"], r["chat_id"], r["sender_id"]) for r in rows} == {(accounts[1].label, alice.id, alice.id)}
        table = await asyncio.to_thread(CliRunner().invoke, main, ["fleet", "inbox", "list", "--store", store_url])
        assert table.exit_code == 0 and "later acct2" in table.output and "handled by" in table.output


async def test_registration_is_checked(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        with pytest.raises(FleetValueError, match="not both"):
            fleet.on_message(account="a", pool="p")

        @fleet.on_message(name="one")
        async def one(client: object, message: object) -> None: ...

        with pytest.raises(FleetValueError, match="'one' is registered already"):
            fleet.on_message(name="one")(one)
        with pytest.raises(FleetValueError, match="limit"):
            await fleet.inbox.list(limit=0)
