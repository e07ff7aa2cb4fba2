"""What every connection of the sandbox shares: the per-DC state and the server-wide pieces.

``Sandbox`` builds one :class:`ServerContext` and one :class:`DcState` per DC; connections read them. A DC's
connections are all in ``connections``; those not authenticated yet are in its ``lobby`` as well.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.delivery import Subscriptions
from tgfleet.sandbox.dispatch import CallDispatcher
from tgfleet.sandbox.duplicate_keys import DuplicateKeys
from tgfleet.sandbox.faults import DcFaults, Faults
from tgfleet.sandbox.key_use import KeyUse
from tgfleet.sandbox.keys import DcKeys
from tgfleet.sandbox.lobby import Lobby
from tgfleet.sandbox.part_hold import PartHold
from tgfleet.sandbox.server_limits import Limits

if TYPE_CHECKING:
    from tgfleet.sandbox.connection import ServerConnection

READ_SIZE = 1 << 16
"""The largest read of any connection (the shared read buffer's size)."""


@dataclass
class DcState:
    """One DC: its keys and sessions, its live connections (the unauthenticated ones in its lobby), its faults."""

    dc_id: int
    keys: DcKeys
    faults: DcFaults
    lobby: Lobby
    connections: set[ServerConnection] = field(default_factory=set)


@dataclass
class ServerContext:
    """The server-wide pieces a connection needs."""

    rsa_key: RsaPrivateKey
    limits: Limits
    faults: Faults
    world: WorldAPI
    dispatcher: CallDispatcher
    delivery: Subscriptions
    duplicates: DuplicateKeys
    """The AUTH_KEY_DUPLICATED rule (``duplicate_keys.py``)."""
    clock: Callable[[], float]
    random: Callable[[int], bytes]
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    """Every task the server started (connection handlers and writers); ``Sandbox.stop`` ends them all."""
    arrivals: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    """Numbers the moments bytes arrive on any connection, in order (``Stream.arrival``)."""
    read_buffer: bytearray = field(default_factory=lambda: bytearray(READ_SIZE))
    """Where every connection's reads land before they are copied out (``stream.Stream``)."""
    key_use: KeyUse = field(default_factory=KeyUse)
    """Which connections each auth key's packets arrived on (an observer for tests: ``Sandbox.key_use``)."""
    part_hold: PartHold = field(default_factory=PartHold)
    """Holds file parts until several are in flight at once (``Sandbox.hold_parts``, ``part_hold.py``)."""

    def now(self) -> float:
        """The server clock: the injected clock plus the skew the faults apply."""
        return self.clock() + self.faults.skew

    def track(self, task: asyncio.Task[None]) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
