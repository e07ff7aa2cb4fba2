"""Client-side rate limits: calls wait for a token instead of provoking FLOOD_WAIT.

Defaults come from docs/requirements.md §7: up to 30 messages/s and 100 API requests/s, and stricter
limits for new accounts (:meth:`RateLimits.new_account`). Buckets reserve tokens (the count may go
negative), so concurrent callers queue fairly and the long-run rate is exact. Bursts are deliberately
small: the server measures arrival times, which network jitter bunches together.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: API methods that send a message (count against the messages/s limit and the per-chat limit).
MESSAGE_METHODS = frozenset(
    {
        "messages.sendMessage",
        "messages.sendMedia",
        "messages.sendMultiMedia",
        "messages.forwardMessages",
        "messages.sendInlineBotResult",
        "messages.sendScreenshotNotification",
    }
)


#: The parts of a file transfer: they travel on media connections and are paced by the transfer's few workers
#: (``client/files/``), not by the requests/s bucket (a 100 MB file is 200 parts); FLOOD_WAIT still applies.
FILE_PART_METHODS = frozenset({"upload.saveFilePart", "upload.saveBigFilePart", "upload.getFile"})


@dataclass(frozen=True)
class RateLimits:
    """Per-client limits; ``None`` disables one. ``per_chat`` limits messages to one chat."""

    requests_per_second: float | None = 100.0
    messages_per_second: float | None = 30.0
    per_chat_per_second: float | None = None
    burst: float = 5.0

    @classmethod
    def new_account(cls) -> RateLimits:
        """For accounts created recently, which Telegram limits harder."""
        return cls(requests_per_second=30.0, messages_per_second=10.0, per_chat_per_second=None, burst=3.0)

    @classmethod
    def disabled(cls) -> RateLimits:
        return cls(None, None, None)


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up."""

    __slots__ = ("_clock", "_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a bucket needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._last = clock()

    def reserve(self) -> float:
        """Take a token; return how long to wait before using it (0 if available now)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def refund(self) -> None:
        """Give back a reserved token that will not be used."""
        self._tokens = min(self.burst, self._tokens + 1)


class RateLimiter:
    """The buckets of one client. ``delay_for(method, chat)`` reserves and returns the wait."""

    MAX_CHATS = 4096  # per-chat buckets kept (least recently used dropped)

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._requests = self._bucket(limits.requests_per_second)
        self._messages = self._bucket(limits.messages_per_second)
        self._chats: OrderedDict[object, TokenBucket] = OrderedDict()

    def _bucket(self, rate: float | None) -> TokenBucket | None:
        return TokenBucket(rate, self.limits.burst, self._clock) if rate else None

    def per_chat(self, method: str) -> bool:
        """Whether ``method`` is held to the per-chat limit (so its chat must be named)."""
        return bool(self.limits.per_chat_per_second) and method in MESSAGE_METHODS

    def buckets_for(self, method: str, chat: object | None) -> list[TokenBucket]:
        out = [b for b in (self._requests,) if b is not None and method not in FILE_PART_METHODS]
        if method in MESSAGE_METHODS:
            if self._messages is not None:
                out.append(self._messages)
            rate = self.limits.per_chat_per_second
            if chat is not None and rate:
                bucket = self._chats.pop(chat, None) or TokenBucket(rate, min(self.limits.burst, 3.0), self._clock)
                self._chats[chat] = bucket
                while len(self._chats) > self.MAX_CHATS:
                    self._chats.popitem(last=False)
                out.append(bucket)
        return out

    async def acquire(self, method: str, chat: object | None, budget: float) -> float:
        """Wait for every token ``method`` needs; returns the seconds waited. If the wait would exceed
        ``budget`` the tokens are given back and ``asyncio.TimeoutError`` is raised at once."""
        buckets = self.buckets_for(method, chat)
        delay = max((b.reserve() for b in buckets), default=0.0)
        if delay > budget:
            for b in buckets:
                b.refund()
            raise asyncio.TimeoutError
        if delay > 0:
            await asyncio.sleep(delay)
        return delay
