"""The encrypted message and its inner header, in both directions.

https://core.telegram.org/mtproto/description ("Encrypted Message", "Important Checks"):
``auth_key_id (8) | msg_key (16) | encrypted_data`` where the plaintext of encrypted_data is
``salt (8) | session_id (8) | msg_id (8) | seq_no (4) | message_data_length (4) | message_data | padding``,
padding being 12..1024 random bytes with the total a multiple of 16. ``x = 0`` for client -> server,
``x = 8`` for server -> client. The msg_key is checked (in constant time, by ``crypto.kdf``) before any
field of the plaintext is looked at; every failure here is a :class:`SecurityError`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import NamedTuple

from tgfleet.crypto.kdf import X_CLIENT, AuthKey, decrypt_message, encrypt_message
from tgfleet.errors import SecurityError

_HEADER = struct.Struct("<qqqii")  # salt, session_id, msg_id, seq_no, message_data_length
HEADER_SIZE = 32
MIN_PADDING = 12
MAX_PADDING = 1024
_LENGTH_AT = 28
_pack_length = struct.Struct("<i").pack_into


class Envelope(NamedTuple):
    """A decrypted, checked message: its header fields and ``body`` (message_data, without padding)."""

    salt: int
    session_id: int
    msg_id: int
    seqno: int
    body: bytes


def start(salt: int, session_id: int, msg_id: int, seqno: int) -> bytearray:
    """A plaintext buffer holding the header; append the body, then :func:`finish` it."""
    return bytearray(_HEADER.pack(salt, session_id, msg_id, seqno, 0))


def finish(buf: bytearray, auth_key: AuthKey, x: int, random: Callable[[int], bytes]) -> bytes:
    """Patch message_data_length, add 12..27 random padding bytes, encrypt: the wire message."""
    _pack_length(buf, _LENGTH_AT, len(buf) - HEADER_SIZE)
    buf += random(MIN_PADDING + (-(len(buf) + MIN_PADDING) % 16))
    return encrypt_message(auth_key, bytes(buf), x)


def seal(
    auth_key: AuthKey,
    x: int,
    header: tuple[int, int, int, int],
    body: bytes,
    random: Callable[[int], bytes],
) -> bytes:
    """Encrypt one message. ``header`` is ``(salt, session_id, msg_id, seqno)``; no check of its values
    is made (tests use this to build deliberately wrong messages)."""
    buf = start(*header)
    buf += body
    return finish(buf, auth_key, x, random)


def open_envelope(auth_key: AuthKey, data: bytes, x: int) -> Envelope:
    """Decrypt ``data`` and check everything the receiver can check without session state.

    Checks (/mtproto/description "Important Checks", /mtproto/security_guidelines): auth_key_id and
    msg_key (``crypto.kdf.decrypt_message``), then ``0 <= message_data_length``, divisible by 4, and
    ``12 <= padding <= 1024``. Raises :class:`SecurityError` on any failure.
    """
    plaintext = decrypt_message(auth_key, data, x)
    size = len(plaintext)
    if size < HEADER_SIZE + MIN_PADDING:
        raise SecurityError(f"decrypted message of {size} bytes is shorter than its header and padding")
    salt, session_id, msg_id, seqno, length = _HEADER.unpack_from(plaintext)
    padding = size - HEADER_SIZE - length
    if length < 0 or length % 4:
        raise SecurityError(f"message_data_length {length} is negative or not divisible by 4")
    if not MIN_PADDING <= padding <= MAX_PADDING:
        raise SecurityError(f"padding of {padding} bytes is outside 12..1024 (message_data_length {length})")
    return Envelope(salt, session_id, msg_id, seqno, plaintext[HEADER_SIZE : HEADER_SIZE + length])


def decrypt_server_side(auth_key: AuthKey | bytes, data: bytes) -> Envelope:
    """Server role: open a client message (``x = 0``) before choosing its session.

    The session_id is inside the encrypted part, so the sandbox calls this first, looks the session up
    by ``envelope.session_id`` (creating a :class:`~tgfleet.mtproto.session.ServerSession` for an unknown
    one) and hands the envelope to ``ServerSession.receive_envelope``. Pass an :class:`AuthKey` (its
    hashes are computed once) rather than raw bytes.
    """
    key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
    return open_envelope(key, data, X_CLIENT)
