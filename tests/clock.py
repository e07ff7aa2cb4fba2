"""A clock the test moves by hand (pass it wherever tgfleet takes ``clock=``); no sleeps needed."""

from __future__ import annotations

import time


class FakeClock:
    """Reads ``now`` (default: the real time at creation, so msg_id freshness checks pass)."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
