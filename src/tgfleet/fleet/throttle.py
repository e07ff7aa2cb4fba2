"""``Throttle``: when one account may send its next message, by its ``SendPolicy``, on an injectable clock.

It combines the account's token bucket, one bucket per chat (the idle ones forgotten past ``MAX_CHATS``), the
daily budgets of messages and new peers (per UTC day, seeded from the store's history when a holder starts: they
hold across restarts), the flood ledger's waits (``wait_until``) and the circuit breaker (``flooded`` says when to
cool down). The worker keeps one per account across reconnects; nothing in it sleeps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from tgfleet.fleet.send_policy import SendPolicy

DAY = 86400.0
MAX_CHATS = 4096


class IntervalBucket:
    """``burst`` tokens, one more every ``interval`` seconds (``interval`` 0: always a token)."""

    def __init__(self, burst: int, interval: float, now: float) -> None:
        self._burst, self._interval, self._tokens, self._stamp = burst, interval, float(burst), now

    def _refill(self, now: float) -> None:
        if self._interval and now > self._stamp:
            self._tokens = min(float(self._burst), self._tokens + (now - self._stamp) / self._interval)
        self._stamp = max(self._stamp, now)

    def delay(self, now: float) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill(now)
        return 0.0 if not self._interval or self._tokens >= 1.0 - 1e-9 else (1.0 - self._tokens) * self._interval

    def take(self, now: float) -> None:
        self._refill(now)
        if self._interval:
            self._tokens -= 1.0

    def full(self, now: float) -> bool:
        self._refill(now)
        return self._tokens >= self._burst


class Throttle:
    def __init__(self, policy: SendPolicy, clock: Callable[[], float]) -> None:
        self.policy, self._clock = policy, clock
        now = clock()
        self._bucket = IntervalBucket(policy.burst, policy.interval, now)
        self._chats: dict[str, IntervalBucket] = {}
        self._until = 0.0
        self._day = now // DAY
        self._sent = self._new = 0
        self._known: set[str] = set()
        self._floods: deque[float] = deque()

    def seed(self, sent_today: int, new_today: int, known_peers: set[str]) -> None:
        """Today's counts and the peers sent to before, from the store (a holder starting)."""
        self._day, self._sent, self._new, self._known = self._clock() // DAY, sent_today, new_today, known_peers

    def _roll(self, now: float) -> None:
        if now // DAY != self._day:
            self._day, self._sent, self._new = now // DAY, 0, 0

    def wait_until(self, when: float) -> None:
        self._until = max(self._until, when)

    def delay(self) -> float:
        """Seconds until the account may send anything: its waits, its bucket, its daily message budget."""
        now = self._clock()
        self._roll(now)
        budget = (self._day + 1) * DAY - now if self._sent >= self.policy.daily_messages else 0.0
        return max(self._until - now, self._bucket.delay(now), budget, 0.0)

    def chat_delay(self, chat: str, peer: str) -> float | None:
        """Seconds until this chat may get a message (0: now); None when the peer is new and today's new-peer
        budget is spent."""
        now = self._clock()
        self._roll(now)
        if peer.lower() not in self._known and self._new >= self.policy.daily_new_peers:
            return None
        bucket = self._chats.get(chat)
        return bucket.delay(now) if bucket is not None else 0.0

    def sent(self, chat: str, peer: str) -> None:
        now = self._clock()
        self._roll(now)
        self._bucket.take(now)
        self._sent += 1
        if peer.lower() not in self._known:
            self._known.add(peer.lower())
            self._new += 1
        bucket = self._chats.setdefault(chat, IntervalBucket(self.policy.chat_burst, self.policy.chat_interval, now))
        bucket.take(now)
        if len(self._chats) > MAX_CHATS:
            self._chats = {c: b for c, b in self._chats.items() if not b.full(now)}

    def flooded(self) -> float | None:
        """Count a flood wait; the end of a cool-down when the breaker trips (then it starts counting afresh)."""
        now = self._clock()
        self._floods.append(now)
        while self._floods and self._floods[0] < now - self.policy.breaker_window:
            self._floods.popleft()
        if len(self._floods) < self.policy.breaker_floods:
            return None
        self._floods.clear()
        return now + self.policy.breaker_cooldown
