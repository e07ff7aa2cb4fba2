"""``ServiceSettings``: the bounds and timings of the HTTP service (all of them settings; tests use short ones)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Checker = Callable[[Any, str], Awaitable[dict[str, Any]]]
"""``await check(fleet, label)``: lease the account briefly and probe it (``tgfleet.fleet.check``), or None."""


@dataclass(frozen=True)
class ServiceSettings:
    max_body: int = 64 * 1024  # bytes of a request body (413 above)
    max_json_depth: int = 16  # nesting of a JSON body (422 above)
    max_page: int = 500  # items of one listing page
    default_page: int = 100
    event_poll: float = 0.5  # seconds between reads of the change journal by an event stream
    max_streams: int = 100  # event streams open at once in this process (429 above)
    event_keepalive: float = 15.0  # seconds between comments on an idle event stream
    gap_wait: float = 10.0  # seconds a late-committing change is waited for (changes.Follower)
    retention: float = 7 * 86400.0  # seconds changes are kept in the journal
    prune_every: float = 3600.0
    secure_cookie: bool = False  # the login cookie only over HTTPS (set behind a TLS-terminating proxy)
    check: Checker | None = None  # accounts' check: None when this process has no Telegram to reach

    def __post_init__(self) -> None:
        if not (0 < self.default_page <= self.max_page) or self.max_body < 1 or self.max_json_depth < 1:
            raise ValueError(f"service settings out of range: {self}")
