"""Reconnect backoff: exponential with jitter, with optional limits on attempts and on time spent down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """``delay(n) = min(maximum, initial * factor ** (n - 1))``, randomized by ±``jitter`` (a fraction).

    ``max_attempts``: consecutive failed connection attempts before giving up (None: never).
    ``deadline``: seconds of continuous disconnection before giving up (None: never).
    """

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.25
    max_attempts: int | None = None
    deadline: float | None = None

    def next_delay(self, attempt: int, down_for: float, random: Callable[[int], bytes]) -> float | None:
        """The pause before attempt ``attempt + 1``; None when a limit is reached (then the client FAILs)."""
        if self.max_attempts is not None and attempt >= self.max_attempts:
            return None
        if self.deadline is not None and down_for >= self.deadline:
            return None
        base = min(self.maximum, self.initial * self.factor ** (attempt - 1))
        spread = (int.from_bytes(random(2), "little") / 65535.0) * 2 - 1  # in [-1, 1]
        delay = max(0.0, base * (1 + self.jitter * spread))
        if self.deadline is not None:
            delay = min(delay, max(self.deadline - down_for, 0.0))
        return delay
