"""Login codes (https://core.telegram.org/api/auth): one live code per phone number.

``auth.sendCode`` issues a random 5-digit code with a fresh random ``phone_code_hash`` (any older code of the
number dies); ``auth.resendCode`` issues a new code of the announced ``next_type`` under the same hash
(App -> SMS -> call -> ``SEND_CODE_UNAVAILABLE``). A code lives ``lifetime`` seconds of the world clock.
A wrong or stale hash gives ``PHONE_CODE_EXPIRED`` (Telegram has no "hash invalid" error for signIn).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet import errors
from tgfleet.tl._gen.types import auth as t_auth

CODE_LENGTH = 5
RESEND_TIMEOUT = 60
"""Seconds the client is told to wait before ``auth.resendCode`` (not enforced)."""


class CodeType(enum.Enum):
    APP = "app"
    SMS = "sms"
    CALL = "call"


_NEXT = {CodeType.APP: CodeType.SMS, CodeType.SMS: CodeType.CALL, CodeType.CALL: None}


@dataclass
class LoginCode:
    phone: str
    code: str
    phone_code_hash: str
    type: CodeType
    expires: float
    verified: bool = False
    """signIn matched the code of an unregistered number: ``auth.signUp`` may use it."""

    def sent_code(self) -> t_auth.SentCode:
        """``auth.sentCode`` announcing this code (its type, the next type and the resend timeout)."""
        if self.type is CodeType.APP:
            sent: t_auth.TypeSentCodeType = t_auth.SentCodeTypeApp(length=CODE_LENGTH)
        elif self.type is CodeType.SMS:
            sent = t_auth.SentCodeTypeSms(length=CODE_LENGTH)
        else:
            sent = t_auth.SentCodeTypeCall(length=CODE_LENGTH)
        next_type = _NEXT[self.type]
        return t_auth.SentCode(
            type=sent,
            phone_code_hash=self.phone_code_hash,
            next_type=_code_type(next_type),
            timeout=None if next_type is None else RESEND_TIMEOUT,
        )


def _code_type(kind: CodeType | None) -> t_auth.TypeCodeType | None:
    if kind is CodeType.SMS:
        return t_auth.CodeTypeSms()
    if kind is CodeType.CALL:
        return t_auth.CodeTypeCall()
    return None


class CodeBook:
    """The live login code of every phone number."""

    def __init__(self, clock: Callable[[], float], random: Callable[[int], bytes], lifetime: float) -> None:
        self._clock, self._random, self._lifetime = clock, random, lifetime
        self._codes: dict[str, LoginCode] = {}
        self.on_issue: Callable[[LoginCode], None] | None = None
        """Called with every code issued or re-sent (the standalone sandbox prints them)."""

    def _new_code(self) -> str:
        return f"{int.from_bytes(self._random(4), 'big') % 10**CODE_LENGTH:0{CODE_LENGTH}d}"

    def issue(self, phone: str, kind: CodeType) -> LoginCode:
        """A new code and hash for ``phone`` (replacing any older one)."""
        login = LoginCode(phone, self._new_code(), self._random(9).hex(), kind, self._clock() + self._lifetime)
        self._codes[phone] = login
        if self.on_issue is not None:
            self.on_issue(login)
        return login

    def live(self, phone: str, phone_code_hash: str) -> LoginCode:
        """The unexpired code of ``phone`` issued under ``phone_code_hash``; else PHONE_CODE_EXPIRED."""
        login = self._codes.get(phone)
        if login is None or login.phone_code_hash != phone_code_hash:
            raise errors.PhoneCodeExpired()
        if self._clock() >= login.expires:
            del self._codes[phone]
            raise errors.PhoneCodeExpired()
        return login

    def resend(self, phone: str, phone_code_hash: str) -> LoginCode:
        """A new code of the next type under the same hash; SEND_CODE_UNAVAILABLE after the last type."""
        old = self.live(phone, phone_code_hash)
        kind = _NEXT[old.type]
        if kind is None:
            raise errors.SendCodeUnavailable()
        login = LoginCode(phone, self._new_code(), phone_code_hash, kind, self._clock() + self._lifetime)
        self._codes[phone] = login
        if self.on_issue is not None:
            self.on_issue(login)
        return login

    def check(self, phone: str, phone_code_hash: str, code: str) -> LoginCode:
        """The live code if ``code`` matches it; PHONE_CODE_EXPIRED / PHONE_CODE_INVALID otherwise."""
        login = self.live(phone, phone_code_hash)
        if code.strip() != login.code:
            raise errors.PhoneCodeInvalid()
        return login

    def drop(self, phone: str) -> None:
        self._codes.pop(phone, None)

    def current(self, phone: str) -> LoginCode | None:
        """The live code of ``phone`` (``None`` if there is none or it expired)."""
        login = self._codes.get(phone)
        return login if login is not None and self._clock() < login.expires else None
