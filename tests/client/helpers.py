"""Shared pieces of the client tests: a logged-in client against a running sandbox."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

from tgfleet import Client, ConnectionState, StateChange
from tgfleet.net.state import StateFeed
from tgfleet.sandbox.server import Sandbox

FAST = {"timeout": 10.0, "ping_interval": 5.0}


def closed_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_client(tg: Sandbox, name: str = "c", **options: Any) -> Client:
    kw: dict[str, Any] = {"api_id": tg.api_id, "api_hash": tg.api_hash, "network": tg.network, "in_memory": True}
    kw.update(FAST)
    kw.update(options)
    return Client(name, **kw)


async def login(client: Client, tg: Sandbox, phone: str) -> None:
    """send_code + sign_in with the code the sandbox issued (no 2FA)."""
    if not client.storage.is_open:
        await client.connect()
    sent = await client.send_code(phone)
    await client.sign_in(phone, sent.phone_code_hash, tg.login_code(phone))


async def logged_in(tg: Sandbox, phone: str, name: str = "c", **options: Any) -> Client:
    client = make_client(tg, name, **options)
    await client.connect()
    await login(client, tg, phone)
    return client


class StateLog:
    """Records the state changes of a client or a sender's feed (through the callback API) and awaits one."""

    def __init__(self, source: Client | StateFeed) -> None:
        self.changes: list[StateChange] = []
        self._event = asyncio.Event()
        subscribe = source.add_listener if isinstance(source, StateFeed) else source.on_state_change
        subscribe(self._add)

    def _add(self, change: StateChange) -> None:
        self.changes.append(change)
        self._event.set()

    @property
    def states(self) -> list[ConnectionState]:
        return [c.state for c in self.changes]

    async def wait_for(self, state: ConnectionState, after: int = 0, timeout: float = 10.0) -> StateChange:
        """The first change to ``state`` at index ``after`` or later."""

        async def _wait() -> StateChange:
            while True:
                for change in self.changes[after:]:
                    if change.state is state:
                        return change
                self._event.clear()
                await self._event.wait()

        return await asyncio.wait_for(_wait(), timeout)


async def collect(iterator: AsyncIterator[StateChange], until: ConnectionState, timeout: float) -> list[StateChange]:
    out: list[StateChange] = []

    async def _run() -> None:
        async for change in iterator:
            out.append(change)
            if change.state is until:
                return

    await asyncio.wait_for(_run(), timeout)
    return out
