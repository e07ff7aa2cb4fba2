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
    """The next ``times`` calls of one method type (by ``user_id`` only, when set) are answered
    ``rpc_error(code, message)``."""

    code: int
    message: str
    times: int
    user_id: int | None = None


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

    def force(self, method_type: type, code: int, message: str, times: int, user_id: int | None = None) -> None:
        """Queue a forced error; several forced errors of one method are used in order (those of another user
        are passed over)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._forced.setdefault(method_type, deque()).append(ForcedError(code, message, times, user_id))

    def take_forced(self, method_type: type, user_id: int | None = None) -> ForcedError | None:
        """The forced error for this call of ``method_type`` by ``user_id`` (counting it), or None."""
        queue = self._forced.get(method_type)
        forced = next((f for f in queue or () if f.user_id in (None, user_id)), None)
        if queue is None or forced is None:
            return None
        forced.times -= 1
        if forced.times <= 0:
            queue.remove(forced)
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
