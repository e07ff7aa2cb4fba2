"""Future auth tokens (https://core.telegram.org/api/auth#future-auth-tokens): every login of a user and every
``auth.logOut`` hands the client a token; a later ``auth.sendCode`` for the same number offering it in
``codeSettings.logout_tokens`` logs in at once (``auth.sentCodeSuccess``), no code sent.

A token names its user and is good for one login within :data:`TOKEN_LIFETIME`; at most :data:`PER_USER` per
user are kept (clients keep the 20 latest: the oldest is forgotten first) and :data:`MAX_TOKENS` in all. A token
of an account that was deleted or whose number now belongs to someone else is worth nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

TOKEN_BYTES = 32
TOKEN_LIFETIME = 365 * 86400.0
PER_USER = 20
MAX_TOKENS = 100_000


@dataclass(frozen=True)
class FutureToken:
    user_id: int
    expires: float


class FutureTokens:
    def __init__(self, clock: Callable[[], float], random: Callable[[int], bytes]) -> None:
        self._clock, self._random = clock, random
        self._tokens: OrderedDict[bytes, FutureToken] = OrderedDict()
        self._of_user: dict[int, list[bytes]] = {}

    def issue(self, user_id: int) -> bytes:
        token = self._random(TOKEN_BYTES)
        self._tokens[token] = FutureToken(user_id, self._clock() + TOKEN_LIFETIME)
        mine = self._of_user.setdefault(user_id, [])
        mine.append(token)
        while len(mine) > PER_USER:
            self._tokens.pop(mine.pop(0), None)
        while len(self._tokens) > MAX_TOKENS:
            old, record = self._tokens.popitem(last=False)
            self._forget(record.user_id, old)
        return token

    def take(self, user_id: int, offered: Iterable[bytes]) -> bool:
        """Whether one of ``offered`` is a live token of ``user_id`` (then it is used up)."""
        now = self._clock()
        for token in offered:
            record = self._tokens.get(token)
            if record is not None and record.user_id == user_id and now < record.expires:
                del self._tokens[token]
                self._forget(user_id, token)
                return True
        return False

    def _forget(self, user_id: int, token: bytes) -> None:
        mine = self._of_user.get(user_id)
        if mine is not None and token in mine:
            mine.remove(token)
            if not mine:
                del self._of_user[user_id]
