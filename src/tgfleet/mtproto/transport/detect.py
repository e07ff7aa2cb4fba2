"""Server side: tell the transport of a new connection from its first bytes, as Telegram does.

``EF`` -> abridged; ``EEEEEEEE`` -> intermediate; ``DDDDDDDD`` -> padded intermediate; first int an HTTP
verb or the TLS prefix -> rejected (not served here); ``bytes 4..8 == 0`` (sequence number 0) with a
plausible length -> full; otherwise the first 64 bytes must decrypt to an obfuscated2 header with a
known protocol tag. At most 64 bytes of lookahead are needed.

``ServerTransport(pre_auth_packet=..., known_key=...)`` bounds a new connection's payloads to handshake size
(longer ones only for an auth_key_id the server knows) until ``authenticated()``: a connection that has not
proven an auth key cannot make the server buffer a large frame.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from tgfleet.errors import EncodeError, PacketTooLarge, TransportError
from tgfleet.mtproto.transport.abridged import Abridged
from tgfleet.mtproto.transport.base import DEFAULT_MAX_PACKET, Codec, Event, Framing, Random, drain
from tgfleet.mtproto.transport.full import Full
from tgfleet.mtproto.transport.intermediate import Intermediate
from tgfleet.mtproto.transport.obfuscated import FORBIDDEN_FIRST_INTS, HEADER_SIZE, Obfuscated
from tgfleet.mtproto.transport.padded import PaddedIntermediate


def detect(
    data: bytes,
    *,
    secret: bytes | None = None,
    max_packet: int = DEFAULT_MAX_PACKET,
    random: Random = os.urandom,
) -> tuple[Codec, int] | None:
    """The server-role codec for a connection starting with ``data`` and how many bytes it consumed
    (the init tag or obfuscation header), or ``None`` if more bytes are needed to decide.

    Raises ``TransportError`` for anything that is no MTProto transport (``secret``: MTProxy mode).
    """
    if not data:
        return None
    if data[0] == 0xEF:
        return Abridged(server=True, max_packet=max_packet, random=random), 1
    if len(data) < 4:
        return None
    head = data[:4]
    if head == Intermediate.TAG:
        return Intermediate(server=True, max_packet=max_packet, random=random), 4
    if head == PaddedIntermediate.TAG:
        return PaddedIntermediate(server=True, max_packet=max_packet, random=random), 4
    first = int.from_bytes(head, "little")
    if first in FORBIDDEN_FIRST_INTS:
        raise TransportError(f"transport detection: {head!r} is HTTP or TLS, not served here")
    if len(data) < 8:
        return None
    if data[4:8] == b"\0\0\0\0":
        _check_full_length(first, max_packet)
        return Full(server=True, max_packet=max_packet, random=random), 0
    if len(data) < HEADER_SIZE:
        return None
    codec = Obfuscated.accept(data[:HEADER_SIZE], secret=secret, max_packet=max_packet, random=random)
    return codec, HEADER_SIZE


def _check_full_length(total: int, max_packet: int) -> None:
    if total < 16 or total % 4:
        raise TransportError(f"transport detection: {total} is no full-transport length, no known tag")
    if total - 12 > max_packet:
        raise PacketTooLarge(f"full: frame length {total - 12} exceeds max_packet {max_packet}")


class ServerTransport:
    """A server-side codec that first detects the client's transport, then delegates to it.

    Feed it the connection's bytes from the start (any chunking, even byte by byte). Until the
    transport is known, ``next_event`` returns None and ``encode`` raises ``EncodeError``; a
    detection failure is raised (sticky) by ``next_event``/``feed``.

    ``pre_auth_packet``: until :meth:`authenticated`, payloads longer than this raise ``PacketTooLarge`` as
    soon as their length is read, unless ``known_key`` accepts their auth_key_id (``Framing.restrict``).
    """

    def __init__(
        self,
        *,
        secret: bytes | None = None,
        max_packet: int = DEFAULT_MAX_PACKET,
        random: Random = os.urandom,
        pre_auth_packet: int | None = None,
        known_key: Callable[[int], bool] | None = None,
    ) -> None:
        if pre_auth_packet is not None and not 4 <= pre_auth_packet <= max_packet:
            raise ValueError(f"pre_auth_packet must be 4..max_packet ({max_packet}), got {pre_auth_packet}")
        self.codec: Codec | None = None
        """The detected server-role codec, once known."""
        self._secret = secret
        self._max_packet = max_packet
        self._random = random
        self._pre_auth: tuple[int, Callable[[int], bool] | None] | None = (
            None if pre_auth_packet is None else (pre_auth_packet, known_key)
        )
        self._head = bytearray()
        self._failed: TransportError | None = None

    def __repr__(self) -> str:
        return f"<ServerTransport {self.codec!r}>"

    def _require(self) -> Codec:
        if self.codec is None:
            raise EncodeError("the client's transport is not known yet")
        return self.codec

    def start(self) -> bytes:
        return b""

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        return self._require().encode(payload, quick_ack=quick_ack)

    def encode_error(self, code: int) -> bytes:
        return self._require().encode_error(code)

    def encode_quick_ack(self, token: int) -> bytes:
        return self._require().encode_quick_ack(token)

    def authenticated(self) -> None:
        """The client has proven an auth key: accept payloads up to ``max_packet`` from now on."""
        self._pre_auth = None
        if self.codec is not None:
            framing = _framing(self.codec)
            framing.restrict(framing.max_packet)

    @property
    def buffered(self) -> int:
        return len(self._head) if self.codec is None else self.codec.buffered

    def receive_data(self, data: bytes) -> None:
        if self.codec is not None:
            self.codec.receive_data(data)
            return
        if self._failed is not None:
            return
        self._head += data
        try:
            found = detect(bytes(self._head), secret=self._secret, max_packet=self._max_packet, random=self._random)
        except TransportError as exc:
            self._failed = exc
            self._head.clear()
            return
        if found is not None:
            self.codec, used = found
            if self._pre_auth is not None:
                _framing(self.codec).restrict(*self._pre_auth)
            rest = bytes(self._head[used:])
            self._head.clear()
            self.codec.receive_data(rest)

    def next_event(self) -> Event | None:
        if self._failed is not None:
            raise self._failed
        return None if self.codec is None else self.codec.next_event()

    def feed(self, data: bytes) -> list[Event]:
        return drain(self, data)


def _framing(codec: Codec) -> Framing:
    """The framing of a detected codec (inside the obfuscation, if any)."""
    framing = codec.inner if isinstance(codec, Obfuscated) else codec
    assert isinstance(framing, Framing)
    return framing
