"""The ``random_id`` of a sent message: Telegram's de-duplication key for it (sans IO: time and randomness in).

Telegram remembers every ``random_id`` an account used towards a peer and answers a repeated one with the message
the first call made, instead of a second message (https://core.telegram.org/api/updates#updatemessageid-updates),
so a caller that keeps its ``random_id`` may re-send after any doubt and still deliver once. The default form is
the time-prefixed one Telegram asks for, ``(unixtime << 32) | random32`` (RANDOM_ID_EXPIRED names it,
https://core.telegram.org/method/messages.sendMessage): its time is the server's, i.e. the local clock corrected by
the session's time offset.
"""

from __future__ import annotations

MIN_LONG, MAX_LONG = -(2**63), 2**63 - 1


def time_prefixed(server_time: float, random32: int) -> int:
    """``(unixtime << 32) | random32`` as a TL ``long`` (signed; positive until 2038)."""
    value = (int(server_time) << 32) | (random32 & 0xFFFFFFFF)
    return value - 2**64 if value > MAX_LONG else value


def check_random_id(random_id: object) -> int:
    """A caller's ``random_id``: an int that fits a TL ``long`` and is not 0 (RANDOM_ID_EMPTY); TypeError or
    ValueError naming the problem otherwise."""
    if not isinstance(random_id, int) or isinstance(random_id, bool):
        raise TypeError(f"random_id must be an int, not {type(random_id).__name__}")
    if not MIN_LONG <= random_id <= MAX_LONG:
        raise ValueError(f"random_id must fit a signed 64-bit integer, got {random_id}")
    if random_id == 0:
        raise ValueError("random_id must not be 0 (Telegram answers RANDOM_ID_EMPTY)")
    return random_id
