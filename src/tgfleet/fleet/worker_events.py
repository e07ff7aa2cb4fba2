"""What a worker reports as it runs (``Worker(on_event=...)``; ``tgfleet fleet worker`` prints them, ``--json`` as
one JSON object a line): the leases it takes and gives back, the accounts it connects, what goes wrong, its end."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

STARTED = "started"  # registered: detail {capacity}
CLAIMED = "claimed"  # a lease granted (epoch)
CONNECTED = "connected"  # the account's Client is connected and authorized
PROBED = "probed"  # a health probe was taken (detail: whether the authorizations were listed, what went unanswered)
STATE = "state"  # the account's health state changed (detail: from, to, until; the evidence is in its events)
ERROR = "error"  # an error on the account (detail: the error; state: the account's state after it)
FENCED = "fenced"  # the account stopped at once: the lease ended or a write was refused (detail: why)
RELEASED = "released"  # the lease handed back after the account stopped (planned: drain, rebalance, state)
DRAINING = "draining"  # the worker hands every account back (SIGTERM, first SIGINT, cancel)
STOPPED = "stopped"  # the worker ended: detail Counters.summary() (grants, renewals, lost, releases, fences, rpcs)


@dataclass(frozen=True)
class WorkerEvent:
    kind: str
    worker: str
    account: str | None = None  # the label
    account_id: int | None = None
    epoch: int | None = None
    state: str | None = None  # the account's state, when known
    detail: Any = None
    at: float = field(default_factory=time.time)

    def line(self) -> str:
        """A one-line human form: ``connected support-1 (epoch 3)``."""
        parts = [self.kind]
        if self.account is not None:
            parts.append(self.account)
        if self.epoch is not None:
            parts.append(f"(epoch {self.epoch})")
        if self.state is not None:
            parts.append(f"[{self.state}]")
        if self.detail not in (None, {}, ""):
            parts.append(f"- {self.detail}")
        return " ".join(parts)
