"""How the sandbox's world slows down login guessing, as Telegram does (https://core.telegram.org/api/auth).

Telegram publishes no numbers; the defaults model what clients observe:

- a login code survives a few wrong tries (``code_attempts``): PHONE_CODE_INVALID, then PHONE_CODE_EXPIRED
  when it dies, and a new ``auth.sendCode`` is needed;
- wrong codes for one phone number and wrong 2FA passwords for one account (PASSWORD_HASH_INVALID) are
  counted; past a few free ones each failure locks that number / account for a growing FLOOD_WAIT_X
  (``auth.sendCode`` and ``auth.signIn`` of the number, ``auth.checkPassword`` of the account);
- ``auth.sendCode`` for one number is allowed ``codes_per_day`` times in 24 hours, then answered
  PHONE_NUMBER_FLOOD ("You asked for the code too many times", 400, as listed for auth.sendCode on
  https://core.telegram.org/method/auth.sendCode).

Everything is counted on the world's (injectable) clock. ``None`` switches a limit off;
:meth:`LoginLimits.off` switches all of them off. Change them on a running world with
``world.set_login_limits(...)``; forget what was counted with ``world.reset_login_limits(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400.0


@dataclass(frozen=True)
class Lockout:
    """How repeated failures of one subject (a phone number's codes, an account's passwords) slow it down.

    The first ``free`` failures cost nothing; failure ``free + k`` (k = 1, 2, ...) locks the subject for
    ``first_wait * factor**(k - 1)`` seconds, at most ``max_wait``. Failures are forgotten on a success or
    ``forget_after`` seconds after the last one.
    """

    free: int = 5
    first_wait: float = 60.0
    factor: float = 2.0
    max_wait: float = DAY
    forget_after: float = DAY

    def __post_init__(self) -> None:
        if self.free < 0 or self.first_wait <= 0 or self.factor < 1 or self.max_wait < self.first_wait:
            raise ValueError(f"invalid lockout {self}: needs free >= 0, 0 < first_wait <= max_wait, factor >= 1")
        if self.forget_after <= 0:
            raise ValueError(f"invalid lockout {self}: forget_after must be positive")

    def wait_after(self, failures: int) -> float:
        """Seconds the subject is locked after its ``failures``-th failure (0 while they are free)."""
        over = failures - self.free
        if over <= 0:
            return 0.0
        return min(self.first_wait * self.factor ** min(over - 1, 64), self.max_wait)


@dataclass(frozen=True)
class LoginLimits:
    """The world's login limits. Pass one to ``World(login_limits=...)`` or ``world.set_login_limits``."""

    code_attempts: int | None = 5
    """Wrong codes one login code takes: the earlier ones get PHONE_CODE_INVALID, this one PHONE_CODE_EXPIRED
    (the code is gone; ``auth.resendCode`` keeps the count, since it keeps the hash)."""
    code_failures: Lockout | None = Lockout(free=10)
    """Wrong codes per phone number (any code, any auth key) before FLOOD_WAIT_X on its sendCode/signIn."""
    password_failures: Lockout | None = Lockout(free=5)
    """Wrong 2FA passwords per account before FLOOD_WAIT_X on its ``auth.checkPassword``."""
    codes_per_day: int | None = 5
    """``auth.sendCode`` calls per phone number in any 24 hours; more get PHONE_NUMBER_FLOOD."""
    max_tracked: int = 100_000
    """Phone numbers and accounts remembered per kind of count (the least recently touched are forgotten)."""

    def __post_init__(self) -> None:
        for name in ("code_attempts", "codes_per_day"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1 (or None for no limit), got {value}")
        if self.max_tracked < 1:
            raise ValueError(f"max_tracked must be at least 1, got {self.max_tracked}")

    @classmethod
    def off(cls) -> LoginLimits:
        """No login limits at all (codes still die when they expire or are used)."""
        return cls(code_attempts=None, code_failures=None, password_failures=None, codes_per_day=None)
