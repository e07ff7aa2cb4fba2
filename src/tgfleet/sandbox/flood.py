"""Per-account rate limits of the sandbox: ``FLOOD_WAIT_X`` (420) with an honest ``X``.

``X`` is the whole seconds until the bucket holds a token again, measured on the server's (injectable) clock,
so tests advance a fake clock instead of sleeping. A bucket is keyed by the account (``user_id``) or, before
sign-in, by the auth key. Accounts the world calls new (``WorldAPI.is_new_account``) get the stricter profile.
The rates are those of ``server_limits.Limits``. (The client's own pacing, which waits for a token instead of
provoking FLOOD_WAIT, is ``tgfleet.client.ratelimit``.)
"""

from __future__ import annotations

import math
from collections import OrderedDict

from tgfleet.errors import FloodWait
from tgfleet.sandbox.server_limits import Limits, Rate

_EPSILON = 1e-3
"""Tokens lost to float rounding of unix timestamps (~1e-7 s at today's magnitude) are forgiven."""


class FloodBucket:
    """A bucket of ``rate.count`` tokens refilled at ``rate.count / rate.per`` tokens per second."""

    __slots__ = ("_refill", "_stamp", "rate", "tokens")

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self._refill = rate.count / rate.per
        self.tokens = float(rate.count)
        self._stamp = now

    def _update(self, now: float) -> None:
        if now > self._stamp:
            self.tokens = min(float(self.rate.count), self.tokens + (now - self._stamp) * self._refill)
            self._stamp = now

    def wait(self, now: float) -> int:
        """0 if a token is available now, else ``ceil(seconds until one is)`` (at least 1)."""
        self._update(now)
        if self.tokens >= 1.0 - _EPSILON:
            return 0
        return max(1, math.ceil((1.0 - self.tokens) / self._refill - 1e-9))

    def take(self) -> None:
        self.tokens = max(0.0, self.tokens - 1.0)


BucketKey = tuple[str, int, str]
"""(``"user"`` or ``"key"``, id, ``"requests"`` or ``"messages"``)."""


class FloodGuard:
    """Per-account token buckets for :class:`Limits`; :meth:`check` raises ``FloodWait``."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._buckets: OrderedDict[BucketKey, FloodBucket] = OrderedDict()

    def _rates(self, new_account: bool) -> tuple[Rate | None, Rate | None]:
        lim = self.limits
        if new_account:
            return lim.new_account_requests, lim.new_account_messages
        return lim.requests, lim.messages

    def check(self, method: type, *, user_id: int | None, auth_key_id: int, new_account: bool, now: float) -> None:
        """Take a token from every bucket ``method`` counts against, or raise ``FloodWait(X)`` taking none."""
        who = ("user", user_id) if user_id is not None else ("key", auth_key_id)
        requests, messages_rate = self._rates(new_account)
        wanted: list[tuple[BucketKey, Rate]] = []
        if requests is not None and requests.enabled:
            wanted.append(((*who, "requests"), requests))
        if method in self.limits.message_methods and messages_rate is not None and messages_rate.enabled:
            wanted.append(((*who, "messages"), messages_rate))
        buckets = [self._bucket(key, rate, now) for key, rate in wanted]
        wait = max((b.wait(now) for b in buckets), default=0)
        if wait:
            raise FloodWait(wait)
        for bucket in buckets:
            bucket.take()

    def _bucket(self, key: BucketKey, rate: Rate, now: float) -> FloodBucket:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate:  # new, or the account changed profile: a full bucket
            bucket = self._buckets[key] = FloodBucket(rate, now)
            while len(self._buckets) > self.limits.max_buckets:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket
