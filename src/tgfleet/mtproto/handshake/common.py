"""Pieces both handshake roles share: limits, results, parsing of plain messages, dc ids.

Source: https://core.telegram.org/mtproto/auth_key. Every parser here turns malformed input into
:class:`~tgfleet.errors.HandshakeError` (the DecodeError, if any, is its ``__cause__``), so a caller of
``receive()`` catches exactly one error type.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tgfleet.errors import HandshakeError
from tgfleet.mtproto.plain import unpack_plain
from tgfleet.tl.core.base import TLObject
from tgfleet.tl.core.reader import RAW_ERRORS, Reader

T = TypeVar("T", bound=TLObject)
Random = Callable[[int], bytes]
"""``random(n)`` returns n random bytes (``os.urandom`` in production; a replay in tests)."""

MAX_PACKET = 4096
"""Largest unencrypted handshake packet either role parses (the biggest real one, server_DH_params_ok, is 652)."""
MAX_ENCRYPTED = 1024
"""Largest ``encrypted_answer`` / set_client_DH_params ``encrypted_data`` (592 and 336 bytes for 2048-bit DH)."""
MAX_RETRIES = 5
"""How many dh_gen_retry rounds either role accepts before giving up."""
TEST_DC_OFFSET = 10000
"""auth_key step 4: "dc ... +10000 on test servers"."""


@dataclass(frozen=True)
class HandshakeResult:
    """What the client keeps from a finished key exchange (https://core.telegram.org/mtproto/auth_key step 9).

    ``server_salt = substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8)`` (signed int64);
    ``time_offset = server_time - local now`` when server_DH_inner_data arrived (add it to the local clock);
    for a temporary key ``expires_in`` as requested and ``expires_at = server_time + expires_in`` (server clock,
    what auth.bindTempAuthKey wants).
    """

    auth_key: bytes = field(repr=False)
    auth_key_id: int
    server_salt: int
    time_offset: float
    server_time: int
    expires_in: int | None = None
    expires_at: int | None = None


@dataclass(frozen=True)
class ServerHandshakeResult:
    """What the server keeps from a finished key exchange; send ``reply`` (the dh_gen_ok packet) to the client.

    ``dc`` is the raw dc the client asked for (``p_q_inner_data_dc``'s ``dc``: +10000 on test servers,
    negative for media) or ``None`` for the legacy ``p_q_inner_data``; ``inner_data`` is the TL name the
    client used. ``expires_at = server_time + expires_in`` for a temporary key.
    """

    auth_key: bytes = field(repr=False)
    auth_key_id: int
    server_salt: int
    reply: bytes = field(repr=False)
    dc: int | None
    inner_data: str
    expires_in: int | None = None
    expires_at: int | None = None


@dataclass(frozen=True)
class TransportReject:
    """The server must answer with transport error ``code`` (e.g. -444 "invalid DC id") and close."""

    code: int
    reason: str


def wire_dc(dc_id: int, *, test_mode: bool, media: bool) -> int:
    """The ``dc`` of p_q_inner_data_dc: "DC id, +10000 on test servers, negative for media DCs" (auth_key step 4)."""
    if not 1 <= dc_id < TEST_DC_OFFSET:
        raise ValueError(f"dc_id must be in 1..{TEST_DC_OFFSET - 1}, got {dc_id!r}")
    dc = dc_id + (TEST_DC_OFFSET if test_mode else 0)
    return -dc if media else dc


def same(a: bytes, b: bytes) -> bool:
    """Constant-time equality of nonces and hashes (docs/security.md H2)."""
    return hmac.compare_digest(a, b)


def signed64(data: bytes) -> int:
    """8 wire bytes as the signed LE int64 a TL ``long`` decodes to (retry_id = auth_key_aux_hash)."""
    return int.from_bytes(data, "little", signed=True)


def be_int(data: bytes, max_len: int, name: str) -> int:
    """A big-endian TL ``bytes`` number of at most ``max_len`` bytes (bounded before any arithmetic)."""
    if not 0 < len(data) <= max_len:
        raise HandshakeError(f"{name} must be 1..{max_len} bytes, got {len(data)}")
    return int.from_bytes(data, "big")


def be_bytes(n: int) -> bytes:
    """A non-negative integer as big-endian bytes without leading zeros (how pq, p and q travel)."""
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def _names(expected: Sequence[type[TLObject]]) -> str:
    return " or ".join(cls.QUALNAME for cls in expected)


def read_plain(packet: bytes, expected: Sequence[type[T]]) -> tuple[int, T]:
    """``(msg_id, object)`` from an unencrypted message whose body is exactly one of ``expected``.

    The packet size is bounded by :data:`MAX_PACKET` and the constructor id is checked before anything is
    decoded, so a hostile peer cannot make the decoder walk arbitrary TL types.
    """
    if len(packet) > MAX_PACKET:
        raise HandshakeError(f"handshake packet of {len(packet)} bytes exceeds {MAX_PACKET}")
    try:
        msg_id, body = unpack_plain(packet)
    except RAW_ERRORS as exc:
        raise HandshakeError(f"malformed unencrypted message: {exc}") from exc
    obj, end = read_prefix(body, 0, expected)
    if end != len(body):
        raise HandshakeError(f"{len(body) - end} trailing bytes after {type(obj).QUALNAME}")
    return msg_id, obj


def read_prefix(data: bytes, offset: int, expected: Sequence[type[T]]) -> tuple[T, int]:
    """One boxed object of one of ``expected`` read from ``data[offset:]``; returns it and where it ended.

    Used where padding follows the object (RSA_PAD's 192 bytes of inner data + random padding).
    """
    by_id = {cls.CONSTRUCTOR_ID: cls for cls in expected}
    reader = Reader(data, offset)
    try:
        cid = reader.read_uint()
        cls = by_id.get(cid)
        if cls is None:
            raise HandshakeError(f"expected {_names(expected)}, got constructor 0x{cid:08x}")
        obj = cls._read(reader)
    except RAW_ERRORS as exc:
        raise HandshakeError(f"malformed {_names(expected)}: {exc}") from exc
    return obj, reader.pos


def open_with_sha1(data_with_hash: bytes, expected: Sequence[type[T]]) -> T:
    """Authenticate, then parse ``SHA1(data) + data + (0..15 padding bytes)`` (auth_key steps 6 and 7).

    The spec says the first 20 bytes must equal SHA1 of the answer "without the padding"; the padding
    length is found by trying each of the 16 possible lengths (constant-time compare), so nothing is
    parsed before it is authenticated (docs/security.md H1) and every kind of
    tampering gets the same error. ``data`` must then be exactly one object of ``expected``.
    """
    digest = data_with_hash[:20]
    for padding in range(16):
        end = len(data_with_hash) - padding
        if end < 20:
            break
        if hmac.compare_digest(hashlib.sha1(data_with_hash[20:end]).digest(), digest):
            obj, stop = read_prefix(data_with_hash[20:end], 0, expected)
            if stop != end - 20:
                raise HandshakeError(f"{end - 20 - stop} trailing bytes after {type(obj).QUALNAME}")
            return obj
    raise HandshakeError("SHA1 of the decrypted data does not match (or more than 15 padding bytes)")
