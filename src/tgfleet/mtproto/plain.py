"""Unencrypted MTProto messages, used only by the auth-key exchange
(https://core.telegram.org/mtproto/description#unencrypted-message):
``auth_key_id = 0 (8 bytes) | msg_id (8, LE) | message_data_length (4, LE) | message_data``.
"""

from __future__ import annotations

import struct

from tgfleet.errors import DecodeError

_HEADER = struct.Struct("<qqi")
HEADER_SIZE = _HEADER.size  # 20


def pack_plain(msg_id: int, body: bytes) -> bytes:
    return _HEADER.pack(0, msg_id, len(body)) + body


def unpack_plain(data: bytes) -> tuple[int, bytes]:
    """``(msg_id, message_data)``. Trailing bytes beyond the declared length (transport padding) are
    ignored; anything else malformed raises DecodeError."""
    if len(data) < HEADER_SIZE:
        raise DecodeError(f"unencrypted message of {len(data)} bytes is shorter than its 20-byte header", offset=0)
    key_id, msg_id, length = _HEADER.unpack_from(data)
    if key_id != 0:
        raise DecodeError("not an unencrypted message (auth_key_id is not 0)", offset=0)
    if length < 0 or HEADER_SIZE + length > len(data):
        raise DecodeError(f"message_data_length {length} runs past the {len(data)}-byte packet", offset=16)
    return msg_id, data[HEADER_SIZE : HEADER_SIZE + length]
