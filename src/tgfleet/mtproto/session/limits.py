"""Constructor ids the session layer reads by hand, and every limit it enforces.

Sources: https://core.telegram.org/mtproto/description, /mtproto/service_messages,
/mtproto/service_messages_about_messages, /mtproto/security_guidelines (``docs/protocol.md`` §4, §6, §7).
"""

from __future__ import annotations

from tgfleet.tl import mtproto as mt
from tgfleet.tl.functions import upload as f_upload
from tgfleet.tl.types import upload as t_upload

# --- constructor ids ------------------------------------------------------------------------------
RPC_RESULT = mt.RpcResult.CONSTRUCTOR_ID
RPC_ERROR = mt.RpcError.CONSTRUCTOR_ID
MSG_CONTAINER = mt.MsgContainer.CONSTRUCTOR_ID
GZIP_PACKED = mt.GzipPacked.CONSTRUCTOR_ID
MSGS_ACK = mt.MsgsAck.CONSTRUCTOR_ID
PINGS = frozenset({mt.Ping.CONSTRUCTOR_ID, mt.PingDelayDisconnect.CONSTRUCTOR_ID})
"""Deployed clients (Kurigram) send pings with an even seqno and Telegram answers them anyway: so does the server."""
NOT_CONTENT_RELATED = frozenset({MSGS_ACK, MSG_CONTAINER, mt.MsgCopy.CONSTRUCTOR_ID})
"""Must carry an even seqno (server error 34 otherwise): /mtproto/description "Content-related Message"."""
FILE_BYTES = frozenset({
    f_upload.SaveFilePart.CONSTRUCTOR_ID, f_upload.SaveBigFilePart.CONSTRUCTOR_ID,
    t_upload.File.CONSTRUCTOR_ID, t_upload.CdnFile.CONSTRUCTOR_ID, t_upload.WebFile.CONSTRUCTOR_ID,
})  # fmt: skip
"""Calls and answers that are a file's bytes (/api/files): never gzip-packed. Media is compressed already, and
deflating a part costs more than sending it: a 4 KB one at level 6 takes ~60 µs on each side, and every small file
is one part."""

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
