"""Fault state of the sandbox: what ``Sandbox.freeze`` / ``set_latency`` / ``force_error`` / ... switched on.

The control methods are :class:`~tgfleet.sandbox.fault_injector.FaultInjector`'s (``Sandbox`` forwards
them); this module only keeps the state that the connections (latency, freeze, drop-after counts) and the
dispatcher (forced errors) consult, and the server clock's skew. Connection-level faults are per DC.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field


@dataclass
class ForcedError:
    """The next ``times`` calls of one method type are answered ``rpc_error(code, message)``."""

    code: int
    message: str
    times: int


@dataclass
class DcFaults:
    """Connection-level faults of one DC."""

    latency: float = 0.0
    """Seconds every outgoing packet is held back."""
    thawed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while the DC answers; cleared by ``freeze`` (packets are read and handled, answers held)."""
    drop_after: int | None = None
    """Sticky: every connection opened from now on is closed after this many incoming packets."""

    def __post_init__(self) -> None:
        self.thawed.set()

    @property
    def frozen(self) -> bool:
        return not self.thawed.is_set()


class Faults:
    """All fault state: per-DC connection faults, forced RPC errors by method type, the clock skew."""

    def __init__(self, dc_ids: list[int]) -> None:
        self.skew = 0.0
        """Seconds added to the server clock (msg_id checks, server msg_ids, salts, CallContext.now)."""
        self.dcs = {dc: DcFaults() for dc in dc_ids}
        self._forced: dict[type, deque[ForcedError]] = {}

    def dc(self, dc_id: int) -> DcFaults:
        return self.dcs[dc_id]

    def select(self, dc: int | None) -> list[int]:
        """``[dc]`` (checked) or every DC for ``None``."""
        if dc is None:
            return list(self.dcs)
        if dc not in self.dcs:
            raise ValueError(f"the sandbox has no DC {dc} (it has {sorted(self.dcs)})")
        return [dc]

    def force(self, method_type: type, code: int, message: str, times: int) -> None:
        """Queue a forced error; several forced errors of one method are used in order."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._forced.setdefault(method_type, deque()).append(ForcedError(code, message, times))

    def take_forced(self, method_type: type) -> ForcedError | None:
        """The forced error for this call of ``method_type`` (counting it), or None."""
        queue = self._forced.get(method_type)
        if not queue:
            return None
        forced = queue[0]
        forced.times -= 1
        if forced.times <= 0:
            queue.popleft()
            if not queue:
                del self._forced[method_type]
        return forced

    def clear(self) -> None:
        """Switch every fault off (thaws frozen DCs, removes latency, forced errors and skew)."""
        self.skew = 0.0
        self._forced.clear()
        for dc in self.dcs.values():
            dc.latency = 0.0
            dc.drop_after = None
            dc.thawed.set()
