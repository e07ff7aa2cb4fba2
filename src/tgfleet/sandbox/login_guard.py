"""The counts behind :class:`~tgfleet.sandbox.login_limits.LoginLimits`: wrong codes per phone number, wrong
2FA passwords per account (with the lockouts they earned), ``auth.sendCode`` calls per number in 24 hours.

The services ask :class:`LoginGuard` before they check anything (``check_phone`` / ``check_account`` raise
FLOOD_WAIT_X while the subject is locked; ``take_code`` also PHONE_NUMBER_FLOOD past the daily quota) and
tell it the outcome (``code_failed`` / ``code_ok``, ``password_failed`` / ``password_ok``). Every table is
bounded by ``max_tracked``; stale entries go when they are next looked at.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tgfleet import errors
from tgfleet.sandbox.login_limits import DAY, Lockout, LoginLimits

K = TypeVar("K", bound=Hashable)


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


def _trim(table: OrderedDict[Any, Any], size: int) -> None:
    while len(table) > size:
        table.popitem(last=False)


class FailureLog(Generic[K]):
    """Failures per subject and the lockout the latest one earned under a :class:`Lockout` rule."""

    def __init__(self) -> None:
        self._entries: OrderedDict[K, _Failures] = OrderedDict()

    def locked_for(self, key: K, rule: Lockout, now: float) -> float:
        """Seconds ``key`` is still locked (0: it may try)."""
        entry = self._entries.get(key)
        if entry is None:
            return 0.0
        if now >= entry.locked_until and now - entry.last >= rule.forget_after:
            del self._entries[key]
            return 0.0
        return max(0.0, entry.locked_until - now)

    def fail(self, key: K, rule: Lockout, now: float, max_tracked: int) -> None:
        entry = self._entries.pop(key, None)
        if entry is None or now - entry.last >= rule.forget_after:
            entry = _Failures()
        entry.count += 1
        entry.last = now
        entry.locked_until = now + rule.wait_after(entry.count)
        self._entries[key] = entry
        _trim(self._entries, max_tracked)

    def forget(self, key: K | None = None) -> None:
        """Forget ``key``'s failures (every key's for ``None``)."""
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)


class SendLog:
    """When each phone number was sent a code, over the last 24 hours."""

    def __init__(self) -> None:
        self._sent: OrderedDict[str, deque[float]] = OrderedDict()

    def take(self, phone: str, per_day: int, now: float, max_tracked: int) -> bool:
        """Count one more code for ``phone`` if it had fewer than ``per_day`` in the last 24 hours."""
        sent = self._sent.pop(phone, None) or deque()
        while sent and now - sent[0] >= DAY:
            sent.popleft()
        allowed = len(sent) < per_day
        if allowed:
            sent.append(now)
        self._sent[phone] = sent
        _trim(self._sent, max_tracked)
        return allowed

    def forget(self, phone: str | None = None) -> None:
        if phone is None:
            self._sent.clear()
        else:
            self._sent.pop(phone, None)


def _check(log: FailureLog[K], key: K, rule: Lockout | None, now: float) -> None:
    """FLOOD_WAIT_X (whole seconds, at least 1) while ``key`` is locked under ``rule`` (none: never)."""
    wait = 0.0 if rule is None else log.locked_for(key, rule, now)
    if wait > 0:
        raise errors.FloodWait(max(1, math.ceil(wait)))


def _fail(log: FailureLog[K], key: K, rule: Lockout | None, now: float, max_tracked: int) -> None:
    if rule is not None:
        log.fail(key, rule, now, max_tracked)


class LoginGuard:
    """Applies :class:`LoginLimits` (replaceable at any time: ``limits``) on the world's clock."""

    def __init__(self, clock: Callable[[], float], limits: LoginLimits) -> None:
        self._clock = clock
        self.limits = limits
        self._codes: FailureLog[str] = FailureLog()
        self._passwords: FailureLog[int] = FailureLog()
        self._sends = SendLog()

    def check_phone(self, phone: str) -> None:
        """FLOOD_WAIT_X while wrong codes keep ``phone`` locked."""
        _check(self._codes, phone, self.limits.code_failures, self._clock())

    def take_code(self, phone: str) -> None:
        """Before ``auth.sendCode``: FLOOD_WAIT_X while ``phone`` is locked, PHONE_NUMBER_FLOOD past the
        daily quota (a refused call does not count)."""
        self.check_phone(phone)
        per_day = self.limits.codes_per_day
        if per_day is not None and not self._sends.take(phone, per_day, self._clock(), self.limits.max_tracked):
            raise errors.PhoneNumberFlood()

    def code_failed(self, phone: str) -> None:
        _fail(self._codes, phone, self.limits.code_failures, self._clock(), self.limits.max_tracked)

    def code_ok(self, phone: str) -> None:
        self._codes.forget(phone)

    def check_account(self, user_id: int) -> None:
        """FLOOD_WAIT_X while wrong passwords keep ``user_id`` locked."""
        _check(self._passwords, user_id, self.limits.password_failures, self._clock())

    def password_failed(self, user_id: int) -> None:
        _fail(self._passwords, user_id, self.limits.password_failures, self._clock(), self.limits.max_tracked)

    def password_ok(self, user_id: int) -> None:
        self._passwords.forget(user_id)

    def reset(self, phone: str | None = None, user_id: int | None = None) -> None:
        """Forget the counts of ``phone`` and/or ``user_id``; of everyone when both are ``None``."""
        if phone is None and user_id is None:
            self._codes.forget()
            self._passwords.forget()
            self._sends.forget()
            return
        if phone is not None:
            self._codes.forget(phone)
            self._sends.forget(phone)
        if user_id is not None:
            self._passwords.forget(user_id)
