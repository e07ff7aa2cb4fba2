"""PEER_FLOOD: how many new non-contact peers an account may write to per day (``PeerLimits``, ``PeerGuard``).

Telegram limits accounts that write to many people who do not know them: such a send is answered PEER_FLOOD
(400, "the current account is spamreported, you cannot execute this action", https://core.telegram.org/api/errors)
and the account can still reply to people who wrote first and write to its contacts. Telegram publishes no
numbers; the sandbox counts, per account and per day of the world's clock (UTC days of its unix time, so tests move
a fake clock instead of sleeping), the *new peers* it started a private chat with: users it had no chat with and
who are not its contacts. Once ``new_peers_per_day`` were started that day, a message that would start another
gets PEER_FLOOD; messages into existing chats (replies included) and to contacts go through. Change the limit on a
running world with ``world.set_peer_limits(PeerLimits(...))``; forget the counts with
``world.reset_peer_limits(user_id=None)``.

Bounded: one count per account, of the current day only (a count of an earlier day is dropped when the account is
next seen), for at most ``max_tracked`` accounts (the least recently counted are forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from tgfleet import errors

DAY = 86400


@dataclass(frozen=True)
class PeerLimits:
    """The world's limit on new peers. Pass one to ``World(peer_limits=...)`` or ``world.set_peer_limits``."""

    new_peers_per_day: int | None = 50
    """Private chats with non-contacts an account may start per day; ``None``: no limit."""
    max_tracked: int = 100_000
    """Accounts whose counts are remembered (the least recently counted are forgotten)."""

    def __post_init__(self) -> None:
        if self.new_peers_per_day is not None and self.new_peers_per_day < 0:
            raise ValueError(
                f"new_peers_per_day must be at least 0 (or None for no limit), got {self.new_peers_per_day}"
            )
        if self.max_tracked < 1:
            raise ValueError(f"max_tracked must be at least 1, got {self.max_tracked}")

    @classmethod
    def off(cls) -> PeerLimits:
        """No limit on new peers."""
        return cls(new_peers_per_day=None)


class PeerGuard:
    """Counts the new peers each account started today, under ``limits``."""

    def __init__(self, limits: PeerLimits) -> None:
        self.limits = limits
        self._counts: OrderedDict[int, tuple[int, int]] = OrderedDict()
        """user_id -> (day, new peers started that day)."""

    def _today(self, user_id: int, day: int) -> int:
        entry = self._counts.get(user_id)
        return entry[1] if entry is not None and entry[0] == day else 0

    def new_peer(self, user_id: int, now: float) -> None:
        """``user_id`` starts a chat with a new non-contact peer at ``now``: counted, or PEER_FLOOD (not counted)."""
        day = int(now // DAY)
        started = self._today(user_id, day)
        limit = self.limits.new_peers_per_day
        if limit is not None and started >= limit:
            raise errors.PeerFlood()
        self._counts[user_id] = (day, started + 1)
        self._counts.move_to_end(user_id)
        while len(self._counts) > self.limits.max_tracked:
            self._counts.popitem(last=False)

    def started_today(self, user_id: int, now: float) -> int:
        return self._today(user_id, int(now // DAY))

    def reset(self, user_id: int | None = None) -> None:
        """Forget the counts of ``user_id`` (of every account when ``None``)."""
        if user_id is None:
            self._counts.clear()
        else:
            self._counts.pop(user_id, None)
