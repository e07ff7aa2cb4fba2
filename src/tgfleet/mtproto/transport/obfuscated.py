"""Obfuscated2: https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation

The client draws 64 random bytes ``init`` (redrawn while ``init[0] == 0xEF``, ``init[0:4]`` is an HTTP
verb, the TLS prefix, ``DDDDDDDD`` or ``EEEEEEEE``, or ``init[4:8]`` is zero), puts the protocol tag at
``init[56:60]`` and, for MTProxy only, the DC id as int16 LE at ``init[60:62]``. With
``rev = reversed(init)``: encrypt key/iv = ``init[8:40]`` / ``init[40:56]``, decrypt key/iv =
``rev[8:40]`` / ``rev[40:56]``; with an MTProxy secret each key becomes ``SHA256(key + secret)``.
It sends ``init[0:56] + AES-CTR-encrypt(init)[56:64]``; both CTR streams then run for the life of the
connection over the inner framing's bytes. The server derives the same keys from the header, swapped.
"""

from __future__ import annotations

import hashlib
import os
from typing import NamedTuple

from tgfleet.crypto.aes import AesCtr
from tgfleet.errors import TransportError
from tgfleet.mtproto.transport.abridged import Abridged
from tgfleet.mtproto.transport.base import DEFAULT_MAX_PACKET, Event, Framing, Random, drain
from tgfleet.mtproto.transport.intermediate import Intermediate
from tgfleet.mtproto.transport.padded import PaddedIntermediate

HEADER_SIZE = 64
FORBIDDEN_FIRST_INTS = frozenset((0x44414548, 0x54534F50, 0x20544547, 0x4954504F, 0x02010316, 0xDDDDDDDD, 0xEEEEEEEE))
"""``init[0:4]`` as LE int must not be ``HEAD``, ``POST``, ``GET ``, ``OPTI``, TLS, padded or intermediate."""

BY_TAG: dict[bytes, type[Framing]] = {
    cls.OBFUSCATION_TAG: cls for cls in (Abridged, Intermediate, PaddedIntermediate) if cls.OBFUSCATION_TAG
}
"""Inner framing by the protocol tag at ``init[56:60]``."""

_ATTEMPTS = 1000


def acceptable_init(init: bytes) -> bool:
    """True if ``init`` cannot be mistaken for another transport's first bytes."""
    return (
        init[0] != 0xEF and int.from_bytes(init[0:4], "little") not in FORBIDDEN_FIRST_INTS and init[4:8] != b"\0\0\0\0"
    )


def make_init(tag: bytes, *, dc_id: int | None = None, random: Random = os.urandom) -> bytes:
    """The plain 64-byte init: random bytes redrawn until acceptable, ``tag`` at 56, DC id at 60."""
    if len(tag) != 4:
        raise ValueError(f"the protocol tag is 4 bytes, got {tag.hex()}")
    if dc_id is not None and not -(1 << 15) <= dc_id < (1 << 15):
        raise ValueError(f"the DC id is an int16, got {dc_id}")
    for _ in range(_ATTEMPTS):
        init = bytearray(random(HEADER_SIZE))
        if len(init) != HEADER_SIZE:
            raise ValueError(f"random({HEADER_SIZE}) returned {len(init)} bytes")
        init[56:60] = tag
        if dc_id is not None:
            init[60:62] = dc_id.to_bytes(2, "little", signed=True)
        if acceptable_init(bytes(init)):
            return bytes(init)
    raise ValueError(f"random produced no acceptable obfuscation init in {_ATTEMPTS} draws")


def normalize_secret(secret: bytes | None) -> bytes | None:
    """A 16-byte MTProxy secret; a 17-byte one (``dd`` + 16) loses its first byte."""
    if secret is None or len(secret) == 16:
        return secret
    if len(secret) == 17:
        return secret[1:]
    raise ValueError(f"an MTProxy secret is 16 or 17 bytes, got {len(secret)}")


def obfuscation_keys(init: bytes, secret: bytes | None = None) -> tuple[bytes, bytes, bytes, bytes]:
    """The client's ``(encrypt_key, encrypt_iv, decrypt_key, decrypt_iv)``; uses ``init[8:56]`` only."""
    rev = init[::-1]
    enc_key, enc_iv = init[8:40], init[40:56]
    dec_key, dec_iv = rev[8:40], rev[40:56]
    secret = normalize_secret(secret)
    if secret is not None:
        enc_key = hashlib.sha256(enc_key + secret).digest()
        dec_key = hashlib.sha256(dec_key + secret).digest()
    return enc_key, enc_iv, dec_key, dec_iv


class AcceptedHeader(NamedTuple):
    """What the server learns from a client's 64-byte header; both CTR streams stand past the header."""

    tag: bytes
    """The protocol tag at ``init[56:60]`` (a key of ``BY_TAG``)."""
    dc_id: int
    """The int16 at ``init[60:62]``: the DC an MTProxy should reach (negative: media)."""
    decrypt: AesCtr
    """Decrypts what the client sends."""
    encrypt: AesCtr
    """Encrypts what goes to the client."""


def accept_header(header: bytes, secret: bytes | None = None) -> AcceptedHeader:
    """Server role: the streams, tag and DC id of ``header``; ``TransportError`` if it has no known tag
    (for an MTProxy, nearly always a wrong secret)."""
    if len(header) != HEADER_SIZE:
        raise TransportError(f"obfuscated: header is {len(header)} bytes, not {HEADER_SIZE}")
    enc_key, enc_iv, dec_key, dec_iv = obfuscation_keys(header, secret)
    decrypt = AesCtr(enc_key, enc_iv)  # the client's encrypt stream
    plain = decrypt.update(header)
    tag = plain[56:60]
    if tag not in BY_TAG:
        raise TransportError(f"obfuscated: unknown protocol tag {tag.hex()}")
    dc_id = int.from_bytes(plain[60:62], "little", signed=True)
    return AcceptedHeader(tag, dc_id, decrypt, AesCtr(dec_key, dec_iv))


class Obfuscated:
    """Obfuscated2 around an abridged, intermediate or padded framing, in either role.

    Client: ``Obfuscated(Intermediate(), secret=..., dc_id=...)`` (``dc_id`` only for MTProxy); the
    header is yielded by ``start()`` or the first ``encode``. Server: ``Obfuscated.accept(header)``
    with the first 64 bytes of the connection (``ServerTransport`` does this).
    """

    inner: Framing
    dc_id: int | None
    """Client: the DC id put in the init. Server: the int16 read at ``init[60:62]`` (MTProxy only)."""

    def __init__(
        self,
        inner: Framing,
        *,
        secret: bytes | None = None,
        dc_id: int | None = None,
        random: Random = os.urandom,
    ) -> None:
        tag = inner.OBFUSCATION_TAG
        if tag is None or inner.server:
            raise ValueError(f"cannot obfuscate {inner!r}: a client-role abridged or (padded) intermediate")
        inner.start()  # the tag travels inside the init instead
        init = make_init(tag, dc_id=dc_id, random=random)
        enc_key, enc_iv, dec_key, dec_iv = obfuscation_keys(init, secret)
        encrypt = AesCtr(enc_key, enc_iv)
        header = init[:56] + encrypt.update(init)[56:]
        self._setup(inner, encrypt, AesCtr(dec_key, dec_iv), header, dc_id)

    @classmethod
    def accept(
        cls,
        header: bytes,
        *,
        secret: bytes | None = None,
        max_packet: int = DEFAULT_MAX_PACKET,
        random: Random = os.urandom,
    ) -> Obfuscated:
        """Server role from the connection's first 64 bytes; ``TransportError`` if no known tag."""
        accepted = accept_header(header, secret)
        self = cls.__new__(cls)
        inner = BY_TAG[accepted.tag](server=True, max_packet=max_packet, random=random)
        self._setup(inner, accepted.encrypt, accepted.decrypt, b"", accepted.dc_id)
        return self

    def _setup(self, inner: Framing, encrypt: AesCtr, decrypt: AesCtr, header: bytes, dc_id: int | None) -> None:
        self.inner = inner
        self.dc_id = dc_id
        self._encrypt = encrypt
        self._decrypt = decrypt
        self._pending = header

    def __repr__(self) -> str:
        return f"<Obfuscated {self.inner!r}>"

    @property
    def server(self) -> bool:
        return self.inner.server

    def start(self) -> bytes:
        header, self._pending = self._pending, b""
        return header

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        frame = self._encrypt.update(self.inner.encode(payload, quick_ack=quick_ack))
        return self.start() + frame if self._pending else frame

    def encode_error(self, code: int) -> bytes:
        return self._encrypt.update(self.inner.encode_error(code))

    def encode_quick_ack(self, token: int) -> bytes:
        return self._encrypt.update(self.inner.encode_quick_ack(token))

    def receive_data(self, data: bytes) -> None:
        self.inner.receive_data(self._decrypt.update(data))

    def next_event(self) -> Event | None:
        return self.inner.next_event()

    @property
    def buffered(self) -> int:
        return self.inner.buffered

    def feed(self, data: bytes) -> list[Event]:
        return drain(self, data)
