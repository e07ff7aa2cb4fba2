"""The bad_msg_notification error codes, one enum for both roles.

https://core.telegram.org/mtproto/service_messages_about_messages ("Notice of Ignored Error Message"). The
server (``ServerSession``) refuses a client message with one of them; the client (``ClientSession``) acts on
each one it receives (``docs/protocol.md`` §7 has both tables).
"""

from __future__ import annotations

from enum import IntEnum


class BadMsgCode(IntEnum):
    """``error_code`` of ``bad_msg_notification`` (48 travels as ``bad_server_salt``)."""

    MSG_ID_TOO_LOW = 16
    MSG_ID_TOO_HIGH = 17
    MSG_ID_LOW_BITS = 18
    CONTAINER_ID_REUSED = 19
    TOO_OLD = 20
    SEQNO_TOO_LOW = 32
    SEQNO_TOO_HIGH = 33
    SEQNO_NOT_EVEN = 34
    SEQNO_NOT_ODD = 35
    BAD_SERVER_SALT = 48
    BAD_CONTAINER = 64

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    BadMsgCode.MSG_ID_TOO_LOW: "msg_id too low (the client clock is behind)",
    BadMsgCode.MSG_ID_TOO_HIGH: "msg_id too high (the client clock is ahead)",
    BadMsgCode.MSG_ID_LOW_BITS: "incorrect two lower order msg_id bits (client ids must be divisible by 4)",
    BadMsgCode.CONTAINER_ID_REUSED: "container msg_id is the same as msg_id of a previously received message",
    BadMsgCode.TOO_OLD: "message too old, it cannot be verified whether the server has received it",
    BadMsgCode.SEQNO_TOO_LOW: "msg_seqno too low",
    BadMsgCode.SEQNO_TOO_HIGH: "msg_seqno too high",
    BadMsgCode.SEQNO_NOT_EVEN: "an even msg_seqno expected (irrelevant message), but odd received",
    BadMsgCode.SEQNO_NOT_ODD: "odd msg_seqno expected (relevant message), but even received",
    BadMsgCode.BAD_SERVER_SALT: "incorrect server salt",
    BadMsgCode.BAD_CONTAINER: "invalid container",
}


def meaning(code: int) -> str:
    """What ``code`` means (codes outside the enum are "unknown error code")."""
    try:
        return BadMsgCode(code).meaning
    except ValueError:
        return "unknown error code"
