"""``SendPolicy``: how fast and how much an account sends (docs/fleet.md, "Scheduler").

Telegram publishes no limits for user accounts, so the defaults are conservative, far below the client's ceiling:
one message per 3 s per account with a burst of 3, one per second per chat, 1,000 messages and 20 new peers a day,
and a circuit breaker that cools the account down for 30 minutes after 3 flood waits within 10 minutes. An
account's ``policy["sending"]`` overrides any of them (``{"interval": 1.0, "daily_new_peers": 50}``); a worker's
``send_policy`` is the default its accounts start from. (Pools have no policy of their own in the store yet.)
An interval of 0 switches that bucket off (benchmarks measuring the fleet rather than its pacing).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.errors import FleetValueError


@dataclass(frozen=True)
class SendPolicy:
    interval: float = 3.0  # seconds per message per account (the bucket's refill); 0: no bucket
    burst: int = 3  # messages an idle account may send at once
    chat_interval: float = 1.0  # seconds per message to one chat; 0: no bucket
    chat_burst: int = 1
    daily_messages: int = 1000  # per account and UTC day
    daily_new_peers: int = 20  # peers the account never sent to before, per UTC day
    breaker_floods: int = 3  # this many flood waits within breaker_window seconds...
    breaker_window: float = 600.0
    breaker_cooldown: float = 1800.0  # ...cool the account down this long (a ledger wait on every send)

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise FleetValueError(f"send policy {name} must be a number >= 0, got {value!r}")
        if self.burst < 1 or self.chat_burst < 1 or self.breaker_floods < 1:
            raise FleetValueError(f"send policy bursts and breaker_floods must be at least 1, got {self}")

    def override(self, changes: dict[str, Any] | None) -> SendPolicy:
        """This policy with an account's ``policy["sending"]`` applied (unknown keys refused by name)."""
        if not changes:
            return self
        if not isinstance(changes, dict):
            raise FleetValueError(f"policy['sending'] must be an object, got {type(changes).__name__}")
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise FleetValueError(f"policy['sending'] has unknown keys {sorted(unknown)}")
        return dataclasses.replace(self, **changes)
