"""Message bodies: msg_container and gzip_packed, read by hand and bounded against hostile input.

https://core.telegram.org/mtproto/service_messages: ``msg_container#73f1f8dc messages:vector<%Message>``
with ``message msg_id:long seqno:int bytes:int body:Object`` (at most 1024 items, no nesting, the
container's msg_id greater than every msg_id inside it) and ``gzip_packed#3072cfa1 packed_data:bytes``.
Containers are sliced, not decoded: each item's body stays bytes until the session knows what it is.
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

from tgfleet.errors import DecodeError
from tgfleet.mtproto.session.limits import (
    FILE_BYTES,
    GZIP_MIN_BYTES,
    GZIP_PACKED,
    MAX_CONTAINER_ITEMS,
    MAX_UNPACKED_BYTES,
    MSG_CONTAINER,
)
from tgfleet.tl.core.writer import write_bytes

_I = struct.Struct("<I")
_ITEM = struct.Struct("<qii")
_GZIP_ID = _I.pack(GZIP_PACKED)


class Item(NamedTuple):
    """One message: the whole body of a plain message, or one entry of a container."""

    msg_id: int
    seqno: int
    body: bytes


def constructor_of(body: bytes) -> int:
    """The constructor id a body starts with (DecodeError if it cannot hold one)."""
    if len(body) < 4:
        raise DecodeError(f"message body of {len(body)} bytes cannot hold a constructor id", offset=0)
    cid: int = _I.unpack_from(body)[0]
    return cid


def gzip_unpack(body: bytes, limit: int = MAX_UNPACKED_BYTES) -> bytes:
    """The object inside a boxed ``gzip_packed`` body, inflated to at most ``limit`` bytes."""
    data = _tl_bytes(body, 4)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as e:
        raise DecodeError(f"gzip_packed does not inflate: {e}", where="gzip_packed", offset=4) from None
    if inflater.unconsumed_tail:
        raise DecodeError(f"gzip_packed inflates beyond {limit} bytes", where="gzip_packed", offset=4)
    if not inflater.eof:
        raise DecodeError("gzip_packed stream is truncated", where="gzip_packed", offset=4)
    return out


def _tl_bytes(body: bytes, pos: int) -> bytes:
    """The TL ``bytes`` at ``pos``, which must end the body exactly (padding included)."""
    size = len(body)
    if pos >= size:
        raise DecodeError("gzip_packed has no packed_data", where="gzip_packed", offset=pos)
    n = body[pos]
    head = 1
    if n == 254:
        if pos + 4 > size:
            raise DecodeError("gzip_packed length runs past the end", where="gzip_packed", offset=pos)
        n = _I.unpack_from(body, pos)[0] >> 8
        head = 4
    elif n == 255:
        raise DecodeError("string length prefix 0xFF is invalid", where="gzip_packed", offset=pos)
    end = (pos + head + n + 3) & ~3
    if end != size:
        raise DecodeError(f"packed_data of {n} bytes does not fill the body", where="gzip_packed", offset=pos)
    return body[pos + head : pos + head + n]


GZIP_PROBE_BYTES = 16 * 1024
"""A body larger than four times this is packed only if its first this many bytes shrink by a tenth (deflate at
its fastest level): file parts and chunks are mostly media that is compressed already, and trying to deflate
512 KB of it at level 6 costs ~30 ms of CPU for nothing, on each side."""


def _compressible(body: bytes) -> bool:
    if len(body) <= 4 * GZIP_PROBE_BYTES:
        return True
    sample = memoryview(body)[:GZIP_PROBE_BYTES]
    return len(zlib.compress(sample, 1)) < 0.9 * GZIP_PROBE_BYTES


def gzip_pack(body: bytes, kind: int | None = None) -> bytes:
    """``gzip_packed`` around ``body`` when that makes it smaller; otherwise ``body`` itself. ``kind``: the
    constructor of what the body carries, if a wrapper (invokeWithoutUpdates, ...) hides it (else the body's own).

    Never for bodies under :data:`GZIP_MIN_BYTES` (/mtproto/service_messages "Packed Object"), nor for a file's
    bytes (``FILE_BYTES``), nor for large ones whose start does not compress (:data:`GZIP_PROBE_BYTES`).
    """
    if len(body) < GZIP_MIN_BYTES or (constructor_of(body) if kind is None else kind) in FILE_BYTES:
        return body
    if not _compressible(body):
        return body
    deflater = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header, as Telegram uses
    packed = deflater.compress(body) + deflater.flush()
    if len(packed) + 8 >= len(body):
        return body
    out = bytearray(_GZIP_ID)
    write_bytes(out, packed)
    return bytes(out)


def split(body: bytes, msg_id: int, seqno: int) -> tuple[bool, list[Item]]:
    """``(is_container, items)`` of a message body; gzip_packed bodies are inflated (one level).

    A container's items are checked structurally: count <= 1024, lengths inside the body, no trailing
    bytes, every item id lower than the container's, ids distinct, no nested container. Raises
    :class:`DecodeError` on any violation (the server answers it with error 64).
    """
    cid = constructor_of(body)
    if cid == GZIP_PACKED:
        body = gzip_unpack(body)
        cid = constructor_of(body)
    if cid != MSG_CONTAINER:
        return False, [Item(msg_id, seqno, body)]
    return True, parse_container(body, msg_id)


def parse_container(body: bytes, container_id: int) -> list[Item]:
    """The items of a boxed msg_container (see :func:`split` for the checks)."""
    size = len(body)
    if size < 8:
        raise DecodeError("msg_container has no item count", where="msg_container", offset=4)
    count = _I.unpack_from(body, 4)[0]
    if count > MAX_CONTAINER_ITEMS or count * 16 > size - 8:
        raise DecodeError(f"msg_container claims {count} items", where="msg_container", offset=4)
    items: list[Item] = []
    seen: set[int] = set()
    pos = 8
    for i in range(count):
        if pos + 16 > size:
            raise DecodeError(f"item {i} header runs past the end", where="msg_container", offset=pos)
        item_id, item_seqno, length = _ITEM.unpack_from(body, pos)
        pos += 16
        if length < 4 or length % 4 or pos + length > size:
            raise DecodeError(f"item {i} length {length} is invalid", where="msg_container", offset=pos - 4)
        item_body = body[pos : pos + length]
        pos += length
        if item_id >= container_id or item_id in seen:
            raise DecodeError(f"item {i} msg_id is not unique and below the container's", where="msg_container")
        seen.add(item_id)
        cid = _I.unpack_from(item_body)[0]
        if cid == GZIP_PACKED:
            item_body = gzip_unpack(item_body)
            cid = constructor_of(item_body)
        if cid == MSG_CONTAINER:
            raise DecodeError(f"item {i} is a nested container", where="msg_container", offset=pos - length)
        items.append(Item(item_id, item_seqno, item_body))
    if pos != size:
        raise DecodeError(f"{size - pos} trailing bytes after the last item", where="msg_container", offset=pos)
    return items
