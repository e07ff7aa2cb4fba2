"""``SendPolicy``: how fast and how much an account sends (docs/fleet.md, "Scheduler").

Telegram publishes no limits for user accounts, so the defaults are conservative, far below the client's ceiling:
one message per 3 s per account with a burst of 3, one per second per chat, 1,000 messages and 20 new peers a day,
a circuit breaker that cools the account down for 30 minutes after 3 flood waits within 10 minutes, and a request
bucket (every RPC the account's client makes, not only messages: a burst of 10, then one per 0.05 s). A fresh
account warms up: for its first ``warmup_days`` (3) after it entered the fleet (imported or created), its message
interval is ``warmup_slowdown`` (3) times longer and its daily budgets ``warmup_budget`` (a quarter) of the usual
(``warmed``). A worker's ``send_policy`` is the default; a pool's policy (``fleet.pools``: its ``"sending"``)
overrides it for the pool's accounts, and an account's ``policy["sending"]`` overrides both
(``{"interval": 1.0, "daily_new_peers": 50}``). An interval of 0 switches that bucket off (benchmarks measuring
the fleet rather than its pacing); ``warmup_days`` 0 switches the warm-up off.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tgfleet.client.ratelimit import RateLimits
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
    request_interval: float = 0.05  # seconds per RPC of the account's client (any method); 0: no bucket
    request_burst: int = 10
    warmup_days: float = 3.0  # an account this new (days since it entered the fleet) is warming up...
    warmup_slowdown: float = 3.0  # ...its interval this many times longer...
    warmup_budget: float = 0.25  # ...its daily budgets this fraction of the usual (at least 1)

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise FleetValueError(f"send policy {name} must be a number >= 0, got {value!r}")
        if self.burst < 1 or self.chat_burst < 1 or self.request_burst < 1 or self.breaker_floods < 1:
            raise FleetValueError(f"send policy bursts and breaker_floods must be at least 1, got {self}")
        if self.warmup_slowdown < 1 or self.warmup_budget > 1:
            raise FleetValueError(
                f"a warm-up is slower and smaller: warmup_slowdown >= 1, warmup_budget <= 1, got {self}"
            )

    def override(self, changes: dict[str, Any] | None) -> SendPolicy:
        """This policy with a pool's or an account's ``policy["sending"]`` applied (unknown keys refused by name)."""
        if not changes:
            return self
        if not isinstance(changes, dict):
            raise FleetValueError(f"policy['sending'] must be an object, got {type(changes).__name__}")
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise FleetValueError(f"policy['sending'] has unknown keys {sorted(unknown)}")
        return dataclasses.replace(self, **changes)

    def warmed(self, age: float) -> SendPolicy:
        """The policy for an account ``age`` seconds after it entered the fleet: itself once ``warmup_days`` passed,
        before that slower (``interval`` times ``warmup_slowdown``) with smaller daily budgets (times
        ``warmup_budget``, at least 1)."""
        if age >= self.warmup_days * 86400.0:
            return self
        return dataclasses.replace(
            self,
            interval=self.interval * self.warmup_slowdown,
            daily_messages=max(1, int(self.daily_messages * self.warmup_budget)),
            daily_new_peers=max(1, int(self.daily_new_peers * self.warmup_budget)),
        )

    def rate_limits(self) -> RateLimits:
        """The client's limiter for the request bucket (every RPC); messages stay at the client's own ceiling."""
        per_second = 1.0 / self.request_interval if self.request_interval else None
        return RateLimits(requests_per_second=per_second, burst=float(self.request_burst))


def effective(
    default: SendPolicy, pool: dict[str, Any] | None, account: dict[str, Any] | None, age: float
) -> SendPolicy:
    """An account's policy: the worker's ``default``, its pool's ``"sending"`` over it, its own over that, warmed up
    by its ``age`` (seconds since it entered the fleet)."""
    return default.override(pool).override(account).warmed(age)
