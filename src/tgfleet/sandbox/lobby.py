"""The lobby of one DC: its connections that have not sent a valid encrypted message yet.

Such a connection has proven nothing (it may be a client in its key exchange, or a hostile one that trickles
bytes, never sends, or floods handshakes), so the lobby bounds what all of them take together, and always
makes room for a newcomer by closing the oldest: hostile connections can neither lock new clients out nor
hold memory. Bounded: how many wait (``Limits.max_unauthenticated_per_dc``) and the bytes they hold in
partial frames (``Limits.max_unauthenticated_bytes``). A connection leaves the lobby when it is authenticated
(and is then never evicted) or closed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol


class Closable(Protocol):
    def abort(self, reason: str | None = None) -> None:
        """Close now; the connection leaves the lobby (``Lobby.leave``)."""
        ...


class Lobby:
    """Unauthenticated connections of one DC, oldest first, and the bytes they hold buffered."""

    def __init__(self, max_connections: int, max_bytes: int) -> None:
        self.max_connections = max_connections
        self.max_bytes = max_bytes
        self._waiting: OrderedDict[Closable, None] = OrderedDict()
        """In order of arrival."""
        self._holding: OrderedDict[Closable, int] = OrderedDict()
        """Those holding buffered bytes, in the order they started to; the bytes each holds."""
        self.bytes = 0
        """Bytes held by all of them together."""

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, conn: object) -> bool:
        return conn in self._waiting

    def enter(self, conn: Closable) -> None:
        """A new connection: the oldest ones are closed while the lobby is full."""
        while len(self._waiting) >= self.max_connections and self.evict_oldest():
            pass
        self._waiting[conn] = None

    def evict_oldest(self) -> bool:
        """Close the connection that has waited longest (to make room); False if the lobby is empty."""
        if not self._waiting:
            return False
        oldest = next(iter(self._waiting))
        self.leave(oldest)
        oldest.abort(f"evicted from a full lobby ({self.max_connections} unauthenticated connections)")
        return True

    def hold(self, conn: Closable, buffered: int) -> None:
        """``conn`` now holds ``buffered`` bytes; beyond ``max_bytes`` together, whoever has held bytes
        longest is closed (possibly ``conn`` itself) until the rest fit."""
        if conn not in self._waiting:
            return
        self.bytes += buffered - self._holding.get(conn, 0)
        if buffered:
            self._holding[conn] = buffered  # updating keeps its place: it has held bytes since then
        else:
            self._holding.pop(conn, None)
        while self.bytes > self.max_bytes and self._holding:
            longest = next(iter(self._holding))
            self.leave(longest)
            longest.abort(f"unauthenticated connections hold more than {self.max_bytes} buffered bytes")

    def leave(self, conn: Closable) -> None:
        """``conn`` was authenticated or closed (nothing happens if it is not in the lobby)."""
        if conn in self._waiting:
            del self._waiting[conn]
            self.bytes -= self._holding.pop(conn, 0)
