"""QR login tokens (https://core.telegram.org/api/qr-login): what ``auth.exportLoginToken`` issued, to which key,
until when, and who accepted it.

A key has at most one live token: exporting again before it was accepted replaces it (a client refreshes the QR
code at the old token's expiry). ``accept`` marks a live token as accepted by a user and gives it
:data:`ACCEPTED_LIFETIME` more seconds, in which the exporting key (or, after ``auth.loginTokenMigrateTo``, a key
on the user's home DC through ``auth.importLoginToken``) takes it once. Bounded: at most :data:`MAX_TOKENS`
tokens (the oldest forgotten first); an expired one is dropped when it is next looked at.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tgfleet import errors

TOKEN_LIFETIME = 30.0
"""Seconds an exported token lives ("usually 30 seconds", https://core.telegram.org/api/qr-login)."""
ACCEPTED_LIFETIME = 120.0
"""Seconds an accepted token stays takeable by the exporting client (it may have to move to another DC first)."""
MAX_TOKENS = 10_000
MAX_EXCEPT = 100
"""``except_ids`` kept per token (a device holds a few accounts)."""
TOKEN_BYTES = 32


@dataclass
class LoginToken:
    token: bytes
    auth_key_id: int
    """The key that exported it: the one told ``updateLoginToken`` when it is accepted."""
    dc: int
    expires: float
    except_ids: frozenset[int] = field(default_factory=frozenset)
    """Users already logged in on the exporting device (``except_ids`` of the export): they may not accept it."""
    accepted_by: int | None = None
    """The user who accepted it (``auth.acceptLoginToken`` from one of their sessions)."""


class LoginTokens:
    def __init__(self, clock: Callable[[], float], random: Callable[[int], bytes], lifetime: float) -> None:
        self._clock, self._random, self.lifetime = clock, random, lifetime
        self._by_token: OrderedDict[bytes, LoginToken] = OrderedDict()
        self._by_key: dict[int, bytes] = {}

    def issue(self, auth_key_id: int, dc: int, except_ids: Iterable[int] = ()) -> LoginToken:
        """A new token for ``auth_key_id`` (its previous one, if any, is dropped)."""
        self._drop_of(auth_key_id)
        expires = self._clock() + self.lifetime
        excepted = frozenset(list(except_ids)[:MAX_EXCEPT])
        token = LoginToken(self._random(TOKEN_BYTES), auth_key_id, dc, expires, excepted)
        self._by_token[token.token] = token
        self._by_key[auth_key_id] = token.token
        while len(self._by_token) > MAX_TOKENS:
            _, old = self._by_token.popitem(last=False)
            if self._by_key.get(old.auth_key_id) == old.token:
                del self._by_key[old.auth_key_id]
        return token

    def accepted_of(self, auth_key_id: int) -> LoginToken | None:
        """The key's token if a user accepted it and it is still takeable."""
        value = self._by_key.get(auth_key_id)
        token = None if value is None else self._live(value)
        return token if token is not None and token.accepted_by is not None else None

    def find(self, value: bytes) -> LoginToken:
        """The live token ``value``: AUTH_TOKEN_EXPIRED once it lived too long, AUTH_TOKEN_INVALID if never issued."""
        token = self._by_token.get(value)
        if token is None:
            raise errors.AuthTokenInvalid()
        if self._live(value) is None:
            raise errors.AuthTokenExpired()
        return token

    def accept(self, value: bytes, user_id: int) -> LoginToken:
        """Mark the token accepted by ``user_id``; AUTH_TOKEN_ALREADY_ACCEPTED for a second acceptance."""
        token = self.find(value)
        if token.accepted_by is not None:
            raise errors.AuthTokenAlreadyAccepted()
        token.accepted_by = user_id
        token.expires = self._clock() + ACCEPTED_LIFETIME
        return token

    def take(self, token: LoginToken) -> None:
        """The login completed with it: it can never be used again."""
        self._by_token.pop(token.token, None)
        if self._by_key.get(token.auth_key_id) == token.token:
            del self._by_key[token.auth_key_id]

    def _live(self, value: bytes) -> LoginToken | None:
        token = self._by_token.get(value)
        if token is not None and self._clock() >= token.expires:
            return None
        return token

    def _drop_of(self, auth_key_id: int) -> None:
        old = self._by_key.pop(auth_key_id, None)
        if old is not None:
            self._by_token.pop(old, None)
