"""What every demo step shares: the cast, the embedded sandbox, client construction and a state watcher."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from tgfleet import Client, ConnectionState, FloodWaitEvent, RetryPolicy, StateChange
from tgfleet.cli.output import Out
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.accounts import SandboxUser

WAIT = 10.0
"""Seconds any single event of the demo may take before the demo fails (nothing here should take 1 s)."""


@dataclass(frozen=True)
class Cast:
    phone: str
    first_name: str
    username: str
    dc: int
    password: str | None = None


ALICE = Cast("+15550100001", "Alice", "alice_demo", dc=3, password="correct horse")
BOB = Cast("+15550100002", "Bob", "bob_demo", dc=1)


class DemoFailed(Exception):
    """Something did not behave as the demo expected (the message says what)."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise DemoFailed(what)


class StateWatch:
    """Records a client's connection states (``on_state_change``), prints them, and awaits one of them."""

    def __init__(self, client: Client, out: Out | None, who: str) -> None:
        self.client, self.out, self.who = client, out, who
        self.changes: list[StateChange] = []
        self._last = client.state
        self._changed = asyncio.Event()
        self.remove = client.on_state_change(self._on_change)

    def _on_change(self, change: StateChange) -> None:
        if self.out is not None:
            why = ""
            if change.state in (ConnectionState.DISCONNECTED, ConnectionState.FAILED) and change.cause is not None:
                why = f"  ({describe(change.cause)})"
            arrow = self.out.arrow
            self.out.state(f"{self.who}: {self._last.name} {arrow} {change.state.name}  DC {change.dc_id}{why}")
        self._last = change.state
        self.changes.append(change)
        self._changed.set()

    def mark(self) -> int:
        return len(self.changes)

    async def wait_for(self, state: ConnectionState, after: int = 0, timeout: float = WAIT) -> StateChange:
        """The first change to ``state`` recorded at index ``after`` or later (DemoFailed after ``timeout``)."""

        async def first() -> StateChange:
            while True:
                for change in self.changes[after:]:
                    if change.state is state:
                        return change
                self._changed.clear()
                await self._changed.wait()

        try:
            return await within(first(), timeout)
        except asyncio.TimeoutError:
            raise DemoFailed(f"{self.who}: no {state.name} within {timeout:.0f} s") from None

    def path(self, after: int = 0) -> str:
        names = [c.state.name for c in self.changes[after:]]
        return f" {self.out.arrow if self.out else '->'} ".join(names)


def describe(cause: BaseException | str) -> str:
    if isinstance(cause, BaseException):
        text = str(cause)
        return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
    return cause


@dataclass
class Demo:
    """The run's state, handed from step to step."""

    tg: Sandbox
    out: Out
    alice: SandboxUser
    bob: SandboxUser
    clients: list[Client] = field(default_factory=list)
    watches: dict[str, StateWatch] = field(default_factory=dict)
    flood_events: list[FloodWaitEvent] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, tg: Sandbox, out: Out) -> Demo:
        a = ALICE
        alice = tg.add_user(a.phone, a.first_name, username=a.username, password=a.password, dc=a.dc)
        bob = tg.add_user(BOB.phone, BOB.first_name, username=BOB.username, dc=BOB.dc)
        return cls(tg, out, alice, bob)

    def client(self, name: str, *, show_states: bool = True, **options: Any) -> Client:
        """A client of the sandbox, in memory, with short reconnect pauses; its states are watched."""
        kw: dict[str, Any] = {
            "api_id": self.tg.api_id,
            "api_hash": self.tg.api_hash,
            "network": self.tg.network,
            "in_memory": True,
            "timeout": 15.0,
            "sleep_threshold": 10.0,
            "retry": RetryPolicy(initial=0.2, maximum=1.0),
            "on_flood_wait": self._on_flood_wait,
        }
        kw.update(options)
        client = Client(name, **kw)
        self.clients.append(client)
        self.watches[name] = StateWatch(client, self.out if show_states else None, name)
        return client

    def _on_flood_wait(self, event: FloodWaitEvent) -> None:
        self.flood_events.append(event)
        action = f"sleeping {event.seconds:g} s, then retrying" if event.slept else "raising FloodWait to the caller"
        self.out.state(f"on_flood_wait: {event.method} got {event.error} ({event.source}): {action}")

    async def close(self) -> None:
        for client in self.clients:
            await client.disconnect()  # safe when it is not connected


def ms(seconds: float) -> str:
    """A duration for people: ``35 ms`` below a second, ``2.01 s`` above."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
