"""Message identifiers (https://core.telegram.org/mtproto/description#message-identifier-msg-id).

``msg_id ≈ unixtime × 2^32``: the upper 32 bits are seconds, the lower 32 bits the sub-second fraction
(never all zero). Client ids are divisible by 4; server ids are ≡ 1 (mod 4) for messages answering a
client message and ≡ 3 otherwise. Each side's ids increase strictly within a session. ``now`` is
always passed in (sans-IO): a float unix time from the caller's clock.
"""

from __future__ import annotations

CLIENT = "client"
SERVER = "server"


class MsgIdGenerator:
    """Strictly increasing msg_ids for one side of a session, corrected by a clock offset."""

    __slots__ = ("last", "offset", "role")

    def __init__(self, role: str, offset: float = 0.0) -> None:
        if role not in (CLIENT, SERVER):
            raise ValueError(f"role must be {CLIENT!r} or {SERVER!r}")
        self.role = role
        self.offset = offset  # server time − local time, in seconds
        self.last = 0

    def next(self, now: float, response: bool = False) -> int:
        """A new msg_id. ``response`` (server only): the message answers a client message."""
        residue = 0 if self.role == CLIENT else (1 if response else 3)
        msg_id = (int((now + self.offset) * 4294967296.0) & ~3) | residue
        if (msg_id & 0xFFFFFFFC) == 0:  # the lower 32 bits must carry a non-zero fraction
            msg_id |= 4
        if msg_id <= self.last:
            msg_id = self.last + ((residue - self.last) % 4 or 4)
        self.last = msg_id
        return msg_id

    def sync(self, server_time: float, now: float) -> None:
        """Adopt the server's clock (from a server msg_id or server_time); keeps ids increasing."""
        self.offset = server_time - now

    def restart(self) -> None:
        """Let the next id follow the (corrected) clock even if it is lower than the last one.

        Only for after bad_msg_notification 16/17, where the server told us our ids were off; otherwise
        ids must keep increasing within a session.
        """
        self.last = 0


def msg_id_time(msg_id: int) -> float:
    """The unix time a msg_id encodes."""
    return msg_id / 4294967296.0
