"""The event stream delivers every state change of a send as the store records it (queued -> claimed -> sending ->
sent, each with the state it came from), and of its account (new -> active), from a real `tgfleet fleet serve`
(API and worker in one process, uvicorn on a loopback port) against the sandbox; a stream resumed with
Last-Event-ID starts where it left off; SIGTERM stops the service gracefully with a stream open. Both engines."""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
from pathlib import Path
from typing import Any

import httpx

from tgfleet.fleet import Fleet
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

from ..fleet.workers import seed, write_info
from .helpers import TIMEOUT, ServiceProcess


async def read_events(response: httpx.Response, into: list[dict[str, Any]], done: asyncio.Event) -> None:
    """Parse server-sent events into ``into`` (``event``, ``id``, ``data``) until the stream ends."""
    event: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if not line:
            if "data" in event:
                into.append(event)
                done.set()
            event = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            event[name] = json.loads(value) if name == "data" else value


async def until(events: list[dict[str, Any]], done: asyncio.Event, condition: Any) -> None:
    async def wait() -> None:
        while not condition():
            done.clear()
            await done.wait()

    await within(wait(), TIMEOUT)


async def test_the_stream_follows_a_send(store_url: str, tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg:
        async with Fleet.open(store_url) as fleet:
            [account] = await seed(tg, fleet, 1)
            token, _ = await fleet.tokens.create("send")
        bob = tg.add_user(phone="+15550001111", first_name="Bob", username="bob_events", dc=2)
        info = write_info(tg, tmp_path / "sandbox.json")
        service = await ServiceProcess.start("serve", "--store", store_url, "--sandbox-info", str(info),
                                             "--listen", "127.0.0.1:0", "--lease-ttl", "3")  # fmt: skip
        try:
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=service.url, headers=headers, timeout=TIMEOUT) as client:
                events: list[dict[str, Any]] = []
                done = asyncio.Event()
                async with client.stream("GET", "/v1/events?after=0") as stream:
                    assert stream.headers["content-type"].startswith("text/event-stream")
                    reader = asyncio.create_task(read_events(stream, events, done))
                    sent = await client.post("/v1/outbox", json={"peer": "@bob_events", "text": "hello",
                                             "account": account.label}, headers={"Idempotency-Key": "e1"})  # fmt: skip
                    assert sent.status_code == 201, sent.text
                    message_id = sent.json()["id"]

                    def of_message() -> list[dict[str, Any]]:
                        return [e["data"] for e in events if e["event"] == "outbox"
                                and e["data"]["subject_id"] == message_id]  # fmt: skip

                    await until(events, done, lambda: any(c["state"] == "sent" for c in of_message()))
                    chain = of_message()
                    assert chain[0]["state"] == "queued" and chain[0]["from_state"] is None
                    for before, after in itertools.pairwise(chain):  # every change, none skipped
                        assert after["from_state"] == before["state"], chain
                    assert [c["state"] for c in chain] == ["queued", "sending", "sent"]  # begun straight from queued
                    accounts = [e["data"] for e in events if e["event"] == "account"]
                    assert accounts[0]["state"] == "new" and accounts[0]["account"] == account.label
                    await until(
                        events,
                        done,
                        lambda: any(e["data"]["state"] == "active" for e in events if e["event"] == "account"),
                    )
                    position = events[-1]["id"]
                    reader.cancel()
                assert [m.text for m in tg.messages_of(bob.id) if m.sender_id == account.user_id] == ["hello"]
                # resumed: nothing before the position again, and what comes after it comes
                resumed: list[dict[str, Any]] = []
                async with client.stream("GET", "/v1/events", headers={"Last-Event-ID": position}) as stream:
                    reader = asyncio.create_task(read_events(stream, resumed, done := asyncio.Event()))
                    await client.post("/v1/outbox", json={"peer": "@bob_events", "text": "again",
                                      "account": account.label}, headers={"Idempotency-Key": "e2"})  # fmt: skip
                    await until(resumed, done, lambda: any(e["data"]["state"] == "sent" for e in resumed))
                    assert all(e["data"]["id"] > int(position) for e in resumed)
                    assert resumed[0]["data"]["state"] == "queued"
                    service.proc.send_signal(signal.SIGTERM)  # graceful, with the stream open: it ends
                    await within(reader, TIMEOUT)
            assert await service.exited() == 0
        finally:
            await service.close()
