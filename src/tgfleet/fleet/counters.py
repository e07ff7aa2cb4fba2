"""``Counters``: what this process's fleet handle did (leases, fenced writes, RPCs, flood waits, logins), for the worker
and the metrics.

A worker writes its counters into its row of the store with every heartbeat (``Workers.heartbeat``), so any process
reading the store (a stateless API process's ``/metrics``) shows the whole fleet's numbers: ``snapshot`` is that
JSON-ready form, ``Counters.add_up`` sums the snapshots of every worker. Labels stay few: an RPC's method and error
are counted per pair up to ``MAX_PAIRS`` pairs, the rest under ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

RPC_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""The upper bounds (seconds) of the RPC duration histogram (``rpc_buckets[i]``: calls that took at most that)."""
MAX_PAIRS = 500
OTHER = "other"
_SCALARS = ("grants", "renewals", "lost", "releases", "fence_refusals", "self_fences", "flood_wait_seconds",
            "rpc_seconds_sum", "claim_lock_timeouts")  # fmt: skip


@dataclass
class Counters:
    """Monotonic counts since the fleet was opened in this process."""

    grants: int = 0  # leases granted (acquire and claim)
    renewals: int = 0  # leases renewed
    lost: int = 0  # leases a renewal found taken over or gone
    releases: int = 0  # leases handed back
    fence_refusals: int = 0  # fenced writes (session data, state changes) refused with StaleEpoch
    self_fences: int = 0  # accounts a worker fenced itself on (a lease it could not renew, lost, or a stop at once)
    claim_lock_timeouts: int = 0  # claims that gave up waiting for expired leases' locked rows (a live lock)
    flood_wait_seconds: float = 0.0  # the seconds of every FLOOD_WAIT / SLOWMODE_WAIT Telegram answered
    rpc_calls: dict[str, int] = field(default_factory=dict)  # "method error" -> calls ("ok" when it worked)
    rpc_buckets: list[int] = field(default_factory=lambda: [0] * len(RPC_BUCKETS))  # not cumulative; +Inf implied
    rpc_seconds_sum: float = 0.0
    logins: dict[str, int] = field(default_factory=dict)  # login attempts by result (fed by the login flows)

    def rpc(self, method: str, error: BaseException | None, seconds: float) -> None:
        """Count one call of ``method`` (a TL name) that took ``seconds`` and ended with ``error`` (None: worked)."""
        name = "ok" if error is None else str(getattr(error, "ID", None) or type(error).__name__)
        key = f"{method} {name}"
        if key not in self.rpc_calls and len(self.rpc_calls) >= MAX_PAIRS:
            key = f"{OTHER} {OTHER}"
        self.rpc_calls[key] = self.rpc_calls.get(key, 0) + 1
        self.rpc_seconds_sum += seconds
        for i, bound in enumerate(RPC_BUCKETS):
            if seconds <= bound:
                self.rpc_buckets[i] += 1
                break
        value = getattr(error, "value", None)
        if getattr(error, "code", None) == 420 and isinstance(value, int) and not isinstance(value, bool):
            self.flood_wait_seconds += value

    def login(self, result: str) -> None:
        """Count one login attempt by its result (``code_sent``, ``authorized``, ``password_invalid``, ...)."""
        self.logins[result] = self.logins.get(result, 0) + 1

    @property
    def rpc_count(self) -> int:
        return sum(self.rpc_calls.values())

    def summary(self) -> dict[str, Any]:
        """The lease and fence counts and the number of RPCs (one line's worth: the worker's ``stopped`` event)."""
        return {name: getattr(self, name) for name in _SCALARS[:6]} | {"rpcs": self.rpc_count}

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy (what a worker's heartbeat stores)."""
        out: dict[str, Any] = {name: getattr(self, name) for name in _SCALARS}
        out.update(rpc_calls=dict(self.rpc_calls), rpc_buckets=list(self.rpc_buckets), logins=dict(self.logins))
        return out

    @classmethod
    def add_up(cls, snapshots: Iterable[dict[str, Any]]) -> Counters:
        """The sum of ``snapshot()`` dicts (of every worker); unknown or malformed fields are skipped."""
        total = cls()
        for snap in snapshots:
            for name in _SCALARS:
                if isinstance(value := snap.get(name), int | float) and not isinstance(value, bool):
                    setattr(total, name, getattr(total, name) + value)
            for name in ("rpc_calls", "logins"):
                mine: dict[str, int] = getattr(total, name)
                for key, value in (snap.get(name) or {}).items():
                    if isinstance(value, int):
                        mine[str(key)] = mine.get(str(key), 0) + value
            buckets = snap.get("rpc_buckets") or []
            if len(buckets) == len(RPC_BUCKETS):
                total.rpc_buckets = [a + int(b) for a, b in zip(total.rpc_buckets, buckets, strict=True)]
        return total
