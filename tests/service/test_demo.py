"""``tgfleet fleet demo`` (``make fleet``) as a newcomer runs it: a child process on a free port, read through its
printed URL and token. Its event stream must show a message sent, the forced flood wait (a message in retry_wait)
and the logged-out key (needs_login); the API and the dashboard list the accounts it logged in; the summary after
SIGTERM counts handled replies."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from typing import Any

import httpx
import pytest

from tgfleet.net.timeouts import within

pytest.importorskip("fastapi")
TIMEOUT = 90.0
"""Seconds the demo may take to log in, serve, and show each state, on a loaded machine (it takes about 15)."""


async def _events(base: str, token: str, wanted: dict[str, set[str]], seen: dict[str, set[str]]) -> None:
    """Read the event stream from its start into ``seen`` until every (kind, state) in ``wanted`` was seen."""
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/v1/events?after=0"
    async with httpx.AsyncClient(timeout=None) as http, http.stream("GET", url, headers=headers) as stream:
        assert stream.status_code == 200  # the stream is bounded by the within() around this
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                change = json.loads(line[5:])
                seen.setdefault(change["kind"], set()).add(change["state"])
                if all(states <= seen.get(kind, set()) for kind, states in wanted.items()):
                    return
    raise AssertionError(f"the stream ended; seen {seen}")


async def test_the_demo_logs_in_serves_sends_and_shows_a_flood_wait_and_a_revoked_key() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TGFLEET_STORE", None)
    demo = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tgfleet.cli", "fleet", "demo", "--accounts", "4", "--listen", "127.0.0.1:0",
        "--every", "0.3", "--json", stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert demo.stdout is not None
    try:
        first = await within(demo.stdout.readline(), TIMEOUT)
        assert first, "the demo ended before it served"
        info: dict[str, Any] = json.loads(first)
        base, token = info["api"].removesuffix("/v1"), info["token"]
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            accounts = (await http.get(f"{base}/v1/accounts", headers={"Authorization": f"Bearer {token}"})).json()
            assert len(accounts["items"]) == info["accounts"] == 4
            assert (await http.get(f"{base}/v1/accounts")).status_code == 401  # no default credentials
            page = await http.get(
                info["dashboard"], headers={"Authorization": f"Bearer {token}"}, follow_redirects=True
            )
            assert page.status_code == 200 and "support1" in page.text and "<html" in page.text  # the dashboard
        seen: dict[str, set[str]] = {}
        wanted = {"outbox": {"sent", "retry_wait"}, "account": {"needs_login"}}
        try:
            await within(_events(base, token, wanted, seen), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"within {TIMEOUT:.0f} s the demo's event stream showed only {seen}") from None
    finally:
        if demo.returncode is None:
            demo.send_signal(signal.SIGTERM)
        out, _ = await within(demo.communicate(), TIMEOUT)  # always reaped, also when an assertion above failed
    assert demo.returncode == 0
    summary = json.loads(out.decode().strip().splitlines()[-1])
    assert summary["outbox"].get("sent", 0) > 0 and summary["replies_handled"] > 0
