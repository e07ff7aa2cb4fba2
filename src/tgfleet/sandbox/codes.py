"""Login codes (https://core.telegram.org/api/auth): one live code per phone number, owned by one auth key.

``auth.sendCode`` issues a random 5-digit code with a fresh random ``phone_code_hash`` (any older code of the
number dies); ``auth.resendCode`` issues a new code of the announced ``next_type`` under the same hash
(App -> SMS -> call -> ``SEND_CODE_UNAVAILABLE``). A code lives ``lifetime`` seconds of the world clock and
takes a bounded number of wrong tries (:meth:`CodeBook.attempt`; ``LoginLimits.code_attempts``).

The hash belongs to the auth key that called ``auth.sendCode``. Telegram has no "hash invalid" error for
signIn: a wrong or stale hash, or a hash used from another auth key, is answered PHONE_CODE_EXPIRED (what
clients see when they send the code from one session and sign in from another, e.g.
https://github.com/LonamiWebs/Telethon/issues/799), so the sandbox answers that too: the code cannot be used
from there, and the caller needs an ``auth.sendCode`` of its own.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet import errors
from tgfleet.tl.types import auth as t_auth

CODE_LENGTH = 5
RESEND_TIMEOUT = 60
"""Seconds the client is told to wait before ``auth.resendCode`` (not enforced)."""


class NoLoginCode(LookupError):
    """``World.login_code`` / ``Sandbox.login_code`` was asked for a number that has no live code: none was
    sent, or it expired or was used. Call ``auth.sendCode`` for the number first (``client.send_code``)."""


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
    auth_key_id: int
    """The key that asked for it: the only one that may use the hash."""
    wrong: int = 0
    """Wrong codes tried under this hash so far (a resent code keeps the count)."""
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

    def issue(self, phone: str, kind: CodeType, auth_key_id: int) -> LoginCode:
        """A new code and hash for ``phone``, owned by ``auth_key_id`` (replacing any older one)."""
        expires = self._clock() + self._lifetime
        return self._store(LoginCode(phone, self._new_code(), self._random(9).hex(), kind, expires, auth_key_id))

    def _store(self, login: LoginCode) -> LoginCode:
        self._codes[login.phone] = login
        if self.on_issue is not None:
            self.on_issue(login)
        return login

    def live(self, phone: str, phone_code_hash: str, auth_key_id: int) -> LoginCode:
        """The unexpired code of ``phone`` that ``auth_key_id`` asked for under ``phone_code_hash``; else
        PHONE_CODE_EXPIRED (see the module docstring for why a foreign hash gets that error too)."""
        login = self._codes.get(phone)
        if login is None or login.phone_code_hash != phone_code_hash or login.auth_key_id != auth_key_id:
            raise errors.PhoneCodeExpired()
        if self._clock() >= login.expires:
            del self._codes[phone]
            raise errors.PhoneCodeExpired()
        return login

    def resend(self, phone: str, phone_code_hash: str, auth_key_id: int) -> LoginCode:
        """A new code of the next type under the same hash; SEND_CODE_UNAVAILABLE after the last type."""
        old = self.live(phone, phone_code_hash, auth_key_id)
        kind = _NEXT[old.type]
        if kind is None:
            raise errors.SendCodeUnavailable()
        expires = self._clock() + self._lifetime
        return self._store(LoginCode(phone, self._new_code(), phone_code_hash, kind, expires, auth_key_id, old.wrong))

    def attempt(self, login: LoginCode, code: str, attempts: int | None) -> None:
        """Nothing if ``code`` is ``login``'s code. Else the wrong try is counted and PHONE_CODE_INVALID
        raised, or PHONE_CODE_EXPIRED if it was wrong try number ``attempts``: the code is dropped."""
        if hmac.compare_digest(code.strip().encode(), login.code.encode()):
            return
        login.wrong += 1
        if attempts is not None and login.wrong >= attempts:
            self.drop(login.phone)
            raise errors.PhoneCodeExpired()
        raise errors.PhoneCodeInvalid()

    def drop(self, phone: str) -> None:
        self._codes.pop(phone, None)

    def current(self, phone: str) -> LoginCode | None:
        """The live code of ``phone`` (``None`` if there is none or it expired)."""
        login = self._codes.get(phone)
        return login if login is not None and self._clock() < login.expires else None
