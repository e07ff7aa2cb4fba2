"""Numbering and packing outgoing messages, shared by both roles.

https://core.telegram.org/mtproto/description: "seqno = 2 × (number of content-related messages sent
before this one), plus 1 if this message is content-related"; msg_ids increase strictly (client ids
divisible by 4, server ids ≡ 1 mod 4 for answers, ≡ 3 otherwise); a container's msg_id is greater
than every msg_id inside it and its seqno is even (it is not content-related) and >= theirs.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

from tgfleet.crypto.kdf import AuthKey
from tgfleet.mtproto.msgid import MsgIdGenerator
from tgfleet.mtproto.session.envelope import finish, start
from tgfleet.mtproto.session.limits import MAX_CONTAINER_BYTES, MAX_CONTAINER_ITEMS, MSG_CONTAINER, MSGS_ACK

_CONTAINER_HEAD = struct.Struct("<Ii")
_ITEM = struct.Struct("<qii")
VECTOR = 0x1CB5C415
ITEM_OVERHEAD = 16
"""Bytes a container adds per item (msg_id, seqno, length)."""


class Outgoing:
    """One message to send: its boxed ``body`` and whether it is content-related.

    ``response`` (server role) picks the msg_id residue: 1 when answering a client message, 3 otherwise.
    ``msg_id``/``seqno`` are set when the message is numbered; a message re-sent with its original
    ids (``keep_id``: server ``resend_unacked``) keeps them and always travels inside a container.
    ``build`` (rarely set) makes the body again for each new msg_id, for a body that names the msg_id it
    travels under (auth.bindTempAuthKey); the size must not change with the msg_id.
    """

    __slots__ = ("body", "build", "content", "keep_id", "msg_id", "response", "seqno")

    def __init__(self, body: bytes, content: bool, response: bool = False) -> None:
        self.body = body
        self.build: Callable[[int], bytes] | None = None
        self.content = content
        self.response = response
        self.keep_id = False
        self.msg_id = 0
        self.seqno = 0


class Numbering:
    """msg_id generator plus the count of content-related messages sent in this session."""

    __slots__ = ("count", "ids")

    def __init__(self, ids: MsgIdGenerator) -> None:
        self.ids = ids
        self.count = 0

    def number(self, item: Outgoing, now: float) -> None:
        item.msg_id = self.ids.next(now, item.response)
        if item.build is not None:
            item.body = item.build(item.msg_id)
        if item.content:
            item.seqno = 2 * self.count + 1
            self.count += 1
        else:
            item.seqno = 2 * self.count


def ack_body(ids: list[int]) -> bytes:
    """``msgs_ack#62d6b459 msg_ids:Vector<long>``, packed in one call (it goes out with most messages)."""
    return struct.pack(f"<IIi{len(ids)}q", MSGS_ACK, VECTOR, len(ids), *ids)


def fits(count: int, size: int, body_size: int) -> bool:
    """Whether one more body still fits in a container holding ``count`` items of ``size`` bytes."""
    return count == 0 or (count < MAX_CONTAINER_ITEMS and size + ITEM_OVERHEAD + body_size <= MAX_CONTAINER_BYTES)


def seal_batch(
    auth_key: AuthKey,
    x: int,
    salt: int,
    session_id: int,
    numbering: Numbering,
    items: Sequence[Outgoing],
    now: float,
    random: Callable[[int], bytes],
) -> tuple[bytes, int]:
    """Number ``items`` and encrypt them as one message: ``(wire bytes, container msg_id or 0)``.

    One item travels alone unless it keeps an old msg_id (``keep_id``): an old message is never re-sent
    alone under its original id (/mtproto/security_guidelines), it goes inside a container.
    """
    number = numbering.number
    for item in items:
        if not item.keep_id:
            number(item, now)
    if len(items) == 1 and not items[0].keep_id:
        only = items[0]
        buf = start(salt, session_id, only.msg_id, only.seqno)
        buf += only.body
        return finish(buf, auth_key, x, random), 0
    response = any(item.response for item in items)
    container = numbering.ids.next(now, response)
    buf = start(salt, session_id, container, 2 * numbering.count)
    buf += _CONTAINER_HEAD.pack(MSG_CONTAINER, len(items))
    pack_item = _ITEM.pack
    for item in items:
        buf += pack_item(item.msg_id, item.seqno, len(item.body))
        buf += item.body
    return finish(buf, auth_key, x, random), container
