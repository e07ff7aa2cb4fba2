"""``Counters``: what this process's fleet handle did with leases and fenced writes, for the worker and metrics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Counters:
    """Monotonic counts since the fleet was opened in this process."""

    grants: int = 0  # leases granted (acquire and claim)
    renewals: int = 0  # leases renewed
    lost: int = 0  # leases a renewal found taken over or gone
    releases: int = 0  # leases handed back
    fence_refusals: int = 0  # fenced writes (session data, state changes) refused with StaleEpoch
