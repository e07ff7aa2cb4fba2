"""Flood waits a client was asked for: remembered per method (so the next call of that method waits, or
raises, before it reaches the server again; not SLOWMODE_WAIT, which holds back one chat, not the method, and
ends when an admin lifts slow mode: the server says it again if it still holds) and reported (a log line and the
``on_flood_wait`` callback).

They belong to the client, not to one connection: a wait the server asked for holds across reconnects.
Times are the event loop's (monotonic) clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("tgfleet.client")


@dataclass(frozen=True)
class FloodWaitEvent:
    """A wait that held a call back. ``source``: "server" (a FLOOD_WAIT answer) or "remembered" (a wait
    the server asked for earlier, honoured before sending). ``slept``: False when it was raised instead."""

    method: str
    seconds: float
    slept: bool
    source: str
    error: str


class FloodWaits:
    """``remember(method, until)``, ``remaining(method, now)``, ``report(event)``."""

    __slots__ = ("_until", "on_flood_wait")

    def __init__(self, on_flood_wait: Callable[[FloodWaitEvent], None] | None = None) -> None:
        self.on_flood_wait = on_flood_wait
        self._until: dict[str, float] = {}

    def remember(self, method: str, until: float) -> None:
        self._until[method] = until

    def remaining(self, method: str, now: float) -> float:
        """Seconds ``method`` must still wait (0 if none)."""
        until = self._until.get(method)
        if until is None:
            return 0.0
        if until <= now:
            del self._until[method]  # over: forget it, so the table holds only waits that still count
            return 0.0
        return until - now

    def report(self, event: FloodWaitEvent) -> None:
        action = "sleeping" if event.slept else "raising FloodWait"
        log.warning("%s: %s (%s), %s %.1f s", event.method, event.error, event.source, action, event.seconds)
        if self.on_flood_wait is not None:
            try:
                self.on_flood_wait(event)
            except Exception:
                log.exception("on_flood_wait callback failed")
