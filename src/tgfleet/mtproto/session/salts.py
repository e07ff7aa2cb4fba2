"""Server salts: the client's schedule and the server's provider.

https://core.telegram.org/mtproto/description ("Server Salt"): a 64-bit value tied to the auth key that
changes every ~30 minutes; a superseded salt is still accepted for another 1800 s.
``get_future_salts num:int`` returns ``future_salt valid_since:int valid_until:int salt:long`` entries
(/mtproto/service_messages "Request for several future salts"). ``bad_server_salt`` carries the correct
salt and overrides anything stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from tgfleet.tl import mtproto as mt


class SaltSchedule:
    """The client's current salt plus the future salts it fetched, switched to by (server) time."""

    __slots__ = ("_future", "current")

    def __init__(self, salt: int = 0) -> None:
        self.current = salt
        self._future: list[tuple[int, int, int]] = []  # (valid_since, valid_until, salt), sorted

    def override(self, salt: int) -> None:
        """A salt from bad_server_salt: use it now; forget stored salts (they may be stale)."""
        self.current = salt
        self._future.clear()

    def store(self, salts: list[mt.FutureSalt]) -> None:
        """Remember the salts of a future_salts answer (at most 64 are kept)."""
        self._future = sorted((s.valid_since, s.valid_until, s.salt) for s in salts[:64])

    def pick(self, server_now: float) -> int:
        """The salt to put in a message sent at ``server_now`` (server clock).

        Drops expired salts; among those valid now, the newest one wins. Without a valid stored salt the
        current one stays (the server answers bad_server_salt if it has gone stale).
        """
        future = self._future
        while future and future[0][1] <= server_now:
            future.pop(0)
        best = None
        for since, until, salt in future:
            if since > server_now:
                break
            if until > server_now:
                best = salt
        if best is not None:
            self.current = best
        return self.current

    def valid_until(self) -> float:
        """When the last stored future salt expires (0 if none): fetch more before then."""
        return float(self._future[-1][1]) if self._future else 0.0


class ServerSalts:
    """The salts of one auth key on the server, shared by all sessions of that key.

    Time is cut into periods of ``period`` seconds; period ``k`` has its own random salt, which is
    current during ``[k·period, (k+1)·period)`` and accepted until ``(k+2)·period`` (the superseded salt
    stays valid for one more period, 1800 s by default). ``first`` (the salt the key exchange produced:
    ``new_nonce[0:8] XOR server_nonce[0:8]``) is the salt of the period containing ``now``.
    :meth:`rotate` is for fault injection: a fresh salt at once, every older one invalid.
    """

    __slots__ = ("_by_period", "_random", "period")

    def __init__(
        self,
        *,
        random: Callable[[int], bytes],
        period: float = 1800.0,
        first: int | None = None,
        now: float = 0.0,
    ) -> None:
        if period <= 0:
            raise ValueError("the salt period must be positive")
        self.period = period
        self._random = random
        self._by_period: dict[int, int] = {}
        if first is not None:
            self._by_period[self._index(now)] = first

    def _index(self, now: float) -> int:
        return math.floor(now / self.period)

    def _salt(self, k: int) -> int:
        salt = self._by_period.get(k)
        if salt is None:
            salt = int.from_bytes(self._random(8), "little", signed=True)
            self._by_period[k] = salt
        return salt

    def _prune(self, k: int) -> None:
        if len(self._by_period) > 70:  # at most 64 future salts plus the current and the previous one
            for old in [i for i in self._by_period if i < k - 1]:
                del self._by_period[old]

    def current(self, now: float) -> int:
        """The salt messages should carry at ``now`` (it goes into bad_server_salt and new_session_created)."""
        k = self._index(now)
        self._prune(k)
        return self._salt(k)

    def is_valid(self, salt: int, now: float) -> bool:
        """``salt`` is the current one or the one it superseded less than a period ago."""
        k = self._index(now)
        return salt == self._salt(k) or salt == self._by_period.get(k - 1)

    def future(self, now: float, num: int) -> list[mt.FutureSalt]:
        """``num`` (clamped to 1..64) salts from the current one on, with their validity windows."""
        k = self._index(now)
        p = self.period
        return [
            mt.FutureSalt(valid_since=int((k + i) * p), valid_until=int((k + i + 2) * p), salt=self._salt(k + i))
            for i in range(max(1, min(num, 64)))
        ]

    def rotate(self, now: float) -> int:
        """Fault injection: replace every salt; the ones clients hold become invalid. Returns the new salt."""
        self._by_period.clear()
        return self._salt(self._index(now))
