"""Constructor ids the session layer reads by hand, and every limit it enforces.

Sources: https://core.telegram.org/mtproto/description, /mtproto/service_messages,
/mtproto/service_messages_about_messages, /mtproto/security_guidelines (``docs/protocol.md`` §4, §6, §7).
"""

from __future__ import annotations

from tgfleet.tl import mtproto as mt

# --- constructor ids ------------------------------------------------------------------------------
RPC_RESULT = mt.RpcResult.CONSTRUCTOR_ID
RPC_ERROR = mt.RpcError.CONSTRUCTOR_ID
MSG_CONTAINER = mt.MsgContainer.CONSTRUCTOR_ID
GZIP_PACKED = mt.GzipPacked.CONSTRUCTOR_ID
MSG_COPY = mt.MsgCopy.CONSTRUCTOR_ID
MSGS_ACK = mt.MsgsAck.CONSTRUCTOR_ID
BAD_MSG_NOTIFICATION = mt.BadMsgNotification.CONSTRUCTOR_ID
BAD_SERVER_SALT = mt.BadServerSalt.CONSTRUCTOR_ID
NEW_SESSION_CREATED = mt.NewSessionCreated.CONSTRUCTOR_ID
PING = mt.Ping.CONSTRUCTOR_ID
PING_DELAY_DISCONNECT = mt.PingDelayDisconnect.CONSTRUCTOR_ID
PONG = mt.Pong.CONSTRUCTOR_ID
GET_FUTURE_SALTS = mt.GetFutureSalts.CONSTRUCTOR_ID
FUTURE_SALTS = mt.FutureSalts.CONSTRUCTOR_ID
MSGS_STATE_REQ = mt.MsgsStateReq.CONSTRUCTOR_ID
MSGS_STATE_INFO = mt.MsgsStateInfo.CONSTRUCTOR_ID
MSGS_ALL_INFO = mt.MsgsAllInfo.CONSTRUCTOR_ID
MSG_RESEND_REQ = mt.MsgResendReq.CONSTRUCTOR_ID
MSG_DETAILED_INFO = mt.MsgDetailedInfo.CONSTRUCTOR_ID
MSG_NEW_DETAILED_INFO = mt.MsgNewDetailedInfo.CONSTRUCTOR_ID
RPC_DROP_ANSWER = mt.RpcDropAnswer.CONSTRUCTOR_ID
HTTP_WAIT = mt.HttpWait.CONSTRUCTOR_ID

NOT_CONTENT_RELATED = frozenset({MSGS_ACK, MSG_CONTAINER, MSG_COPY, GZIP_PACKED})
"""Must carry an even seqno (server error 34 otherwise): /mtproto/description "Content-related Message"."""

# --- limits ---------------------------------------------------------------------------------------
MAX_CONTAINER_ITEMS = 1024
"""At most 1024 messages in one msg_container (/mtproto/service_messages "Simple Container")."""
MAX_CONTAINER_BYTES = 512 * 1024
"""Our own cap on a container's payload. Telegram accepts ~1 MiB messages; 512 KiB keeps every
container comfortably below that (a single larger request is sent alone, never in a container)."""
MAX_BODY_BYTES = 1024 * 1024
"""Largest message body we send (``send`` refuses bigger requests; an upload part is 512 KiB)."""
MAX_IDS = 8192
"""At most 8192 ids in one msgs_ack / msgs_state_req / msg_resend_req (/mtproto/security_guidelines)."""
GZIP_MIN_BYTES = 512
"""Bodies shorter than this are never gzip-packed (not worth it; the spec says ~255 bytes at least)."""
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
"""A gzip_packed body may not inflate beyond this (gzip-bomb guard; no result is anywhere near it)."""
WINDOW = 512
"""How many peer msg_ids each side remembers for replay protection (the guidelines ask for >= 200)."""
TIME_PAST = 300.0
"""A msg_id more than 300 s in the past is rejected (server: error 16) / ignored (client)."""
TIME_FUTURE = 30.0
"""A msg_id more than 30 s in the future is rejected (server: error 17) / ignored (client)."""
ACK_THRESHOLD = 16
"""More pending acks than this are sent right away, even alone (/mtproto/service_messages_about_messages)."""
REMEMBERED_SENDS = 1024
"""How many of our own recent containers / ack messages / unacked messages each side keeps track of."""

BAD_MSG_CODES = {
    16: "msg_id too low (the client clock is behind)",
    17: "msg_id too high (the client clock is ahead)",
    18: "incorrect two lower order msg_id bits (client ids must be divisible by 4)",
    19: "container msg_id is the same as msg_id of a previously received message",
    20: "message too old, it cannot be verified whether the server has received it",
    32: "msg_seqno too low",
    33: "msg_seqno too high",
    34: "an even msg_seqno expected (irrelevant message), but odd received",
    35: "odd msg_seqno expected (relevant message), but even received",
    48: "incorrect server salt",
    64: "invalid container",
}
"""bad_msg_notification error codes (/mtproto/service_messages_about_messages)."""
