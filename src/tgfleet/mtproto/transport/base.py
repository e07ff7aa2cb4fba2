"""What every transport codec shares: the events, the ``Codec`` protocol and the framing base class.

Spec: https://core.telegram.org/mtproto/mtproto-transports (summary: ``docs/protocol.md`` §3).

A codec is one direction pair of one connection, in one role (client or server). Outgoing payloads go
through ``encode`` (the client's first call also yields the init tag). Incoming bytes go through
``receive_data``; ``next_event`` then returns one decoded event at a time (``None`` when more bytes are
needed) and raises a ``TransportError`` for broken framing. Errors are sticky: once raised, every later
``next_event`` raises the same error, because the byte stream can no longer be trusted. ``feed`` is the
short form of both; it returns every event decoded before a bad frame and raises on the next call.

Incoming payloads are bounded by ``max_packet``; a server may bound them tighter with ``Framing.restrict``
while a connection has not proven an auth key (only handshake-sized messages make sense then), and
``buffered`` tells how many received bytes a codec holds (a partial frame), so a server can bound them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from tgfleet.errors import EncodeError, PacketTooLarge, TransportCodeError, TransportError

DEFAULT_MAX_PACKET = 1 << 24
"""Largest accepted incoming payload (16 MiB). Telegram's messages stay near 1 MiB; callers may lower it."""

Random = Callable[[int], bytes]


@dataclass(frozen=True, slots=True)
class Packet:
    """One complete incoming payload. ``quick_ack`` is True when the client asked for a quick ACK
    (only ever seen by the server role)."""

    payload: bytes
    quick_ack: bool = False


@dataclass(frozen=True, slots=True)
class QuickAck:
    """A quick-ACK token from the server: ``msg_key_large[0:4]`` as LE uint32 with bit 31 set.

    It only means "received and decrypted"; replies and msgs_ack still follow as usual.
    """

    token: int


Event = Packet | QuickAck


class Codec(Protocol):
    """The interface of every codec (plain framings, ``Obfuscated`` and ``ServerTransport``)."""

    def start(self) -> bytes:
        """Bytes to write first on a new connection (client init tag/header); empty afterwards."""
        ...

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        """Frame one outgoing payload (prefixed by ``start()`` if it was not taken yet)."""
        ...

    def encode_error(self, code: int) -> bytes:
        """Server role: frame a transport error code (a negative int32)."""
        ...

    def encode_quick_ack(self, token: int) -> bytes:
        """Server role: frame a quick-ACK token (bit 31 set)."""
        ...

    def receive_data(self, data: bytes) -> None:
        """Buffer incoming bytes; never raises."""
        ...

    def next_event(self) -> Event | None:
        """The next complete event, or ``None`` if more bytes are needed."""
        ...

    def feed(self, data: bytes) -> list[Event]:
        """``receive_data`` then every complete event."""
        ...

    @property
    def buffered(self) -> int:
        """Received bytes held until more arrive (a partial frame, or an undecided transport's first bytes)."""
        ...


def drain(codec: Codec, data: bytes) -> list[Event]:
    """``codec.receive_data(data)`` and collect events; a bad frame after good ones raises next call."""
    codec.receive_data(data)
    events: list[Event] = []
    try:
        while (event := codec.next_event()) is not None:
            events.append(event)
    except TransportError:
        if not events:
            raise
    return events


def check_error_code(code: int) -> bytes:
    """The 4-byte LE payload of transport error ``code``; only negative int32 values are codes."""
    if not -(1 << 31) <= code < 0:
        raise EncodeError(f"a transport error code is a negative int32, got {code}")
    return code.to_bytes(4, "little", signed=True)


def check_token(token: int) -> int:
    """Validate a quick-ACK token: an uint32 with bit 31 set."""
    if not 0x80000000 <= token <= 0xFFFFFFFF:
        raise EncodeError(f"a quick-ACK token is an uint32 with bit 31 set, got {token:#x}")
    return token


class Framing:
    """Base of the four plain framings: buffering, tag, sticky errors. Subclasses define the frames.

    ``server`` picks the role: the client sends the init tag and may request quick ACKs; the server
    (whose tag was already consumed by detection) sends errors and quick-ACK tokens. ``max_packet``
    bounds incoming payloads only: a longer length field raises ``PacketTooLarge`` as soon as the
    header is read, so a partial frame never holds more than ``max_packet`` plus its header (chunks
    passed to ``receive_data`` stay buffered whole until ``next_event``/``feed`` consumes them).
    ``restrict`` lowers the bound in force (``bound``) for a connection that has no auth key yet.
    """

    TAG: ClassVar[bytes] = b""
    """Sent once by the client before the first frame (unless obfuscated)."""
    OBFUSCATION_TAG: ClassVar[bytes | None] = None
    """The 4 bytes at ``init[56:60]`` of an obfuscated connection; None if it cannot be obfuscated."""
    NAME: ClassVar[str] = ""

    def __init__(
        self, *, server: bool = False, max_packet: int = DEFAULT_MAX_PACKET, random: Random = os.urandom
    ) -> None:
        if max_packet < 4:
            raise ValueError(f"max_packet must be at least 4, got {max_packet}")
        self.server = server
        self.max_packet = max_packet
        self.bound = max_packet
        """The largest payload accepted now: ``max_packet`` unless :meth:`restrict` lowered it."""
        self._known_key: Callable[[int], bool] | None = None
        self._random = random
        self._pending_tag = b"" if server else self.TAG
        self._buf = bytearray()
        self._pos = 0
        self._failed: TransportError | None = None

    def __repr__(self) -> str:
        role = "server" if self.server else "client"
        return f"<{type(self).__name__} {role} buffered={len(self._buf) - self._pos}>"

    def restrict(self, bound: int, known_key: Callable[[int], bool] | None = None) -> None:
        """Accept incoming payloads of at most ``bound`` bytes from now on (at most ``max_packet``).

        With ``known_key``, a longer payload (up to ``max_packet``) is still accepted when ``known_key`` says
        yes to its auth_key_id (its first 8 bytes as int64 LE, read as soon as they arrive): a server lets a
        client that already has a key send a large first message, but no one else. ``restrict(max_packet)``
        lifts the restriction.
        """
        if not 4 <= bound <= self.max_packet:
            raise ValueError(f"bound must be 4..max_packet ({self.max_packet}), got {bound}")
        self.bound = bound
        self._known_key = known_key

    # --- outgoing -------------------------------------------------------------------------------

    def start(self) -> bytes:
        tag, self._pending_tag = self._pending_tag, b""
        return tag

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        if quick_ack and self.server:
            raise EncodeError("only the client requests quick ACKs")
        frame = self._frame(payload, quick_ack)
        return self.start() + frame if self._pending_tag else frame

    def encode_error(self, code: int) -> bytes:
        self._server_only("transport error codes")
        return self._frame(check_error_code(code), False)

    def encode_quick_ack(self, token: int) -> bytes:
        self._server_only("quick-ACK tokens")
        return self._frame_quick_ack(check_token(token))

    def _server_only(self, what: str) -> None:
        if not self.server:
            raise EncodeError(f"only the server sends {what}")

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        raise NotImplementedError

    def _frame_quick_ack(self, token: int) -> bytes:
        raise EncodeError(f"the {self.NAME} transport has no quick ACKs")

    # --- incoming -------------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data

    def next_event(self) -> Event | None:
        if self._failed is not None:
            raise self._failed
        try:
            return self._decode()
        except TransportError as exc:
            self._failed = exc
            raise

    def feed(self, data: bytes) -> list[Event]:
        return drain(self, data)

    def _decode(self) -> Event | None:
        """Decode one event from ``_buf[_pos:]`` advancing ``_pos``, or return None (need more)."""
        raise NotImplementedError

    @property
    def buffered(self) -> int:
        return len(self._buf) - self._pos

    def _available(self) -> int:
        return len(self._buf) - self._pos

    def _take(self, start: int, end: int, frame: int = 0) -> bytes:
        """Bytes ``_pos + start .. _pos + end`` as a payload; consume ``frame`` bytes (default ``end``)."""
        pos = self._pos
        data = bytes(self._buf[pos + start : pos + end])
        self._pos = pos + (frame or end)
        return data

    def _check_length(self, length: int, header: int, *, multiple_of_4: bool = True) -> bool:
        """Check the length of the frame at ``_pos`` (``header`` bytes precede its payload) as soon as it is
        read; False if it is above ``bound`` and the payload's auth_key_id must arrive to decide."""
        if length > self.max_packet:
            raise PacketTooLarge(f"{self.NAME}: frame length {length} exceeds max_packet {self.max_packet}")
        if length == 0:
            raise TransportError(f"{self.NAME}: zero-length frame")
        if multiple_of_4 and length % 4:
            raise TransportError(f"{self.NAME}: frame length {length} is not a multiple of 4")
        if length <= self.bound:
            return True
        known, start = self._known_key, self._pos + header
        if known is None:
            raise PacketTooLarge(f"{self.NAME}: frame length {length} exceeds {self.bound} before authentication")
        if len(self._buf) < start + 8:
            return False
        key_id = int.from_bytes(self._buf[start : start + 8], "little", signed=True)
        if not known(key_id):
            raise PacketTooLarge(
                f"{self.NAME}: frame length {length} exceeds {self.bound} before authentication, "
                f"and auth_key_id {key_id & 0xFFFFFFFFFFFFFFFF:#018x} is no known key"
            )
        return True

    def _packet(self, payload: bytes, quick_ack: bool) -> Packet:
        """A payload of exactly 4 bytes is a transport error code, never a packet."""
        if len(payload) == 4:
            raise_code(payload, self.NAME)
        return Packet(payload, quick_ack)


def raise_code(payload: bytes, name: str) -> None:
    """Raise ``TransportCodeError`` for a 4-byte negative int32 payload, ``TransportError`` otherwise."""
    code = int.from_bytes(payload[:4], "little", signed=True)
    if code < 0:
        raise TransportCodeError(code)
    raise TransportError(f"{name}: 4-byte payload {payload[:4].hex()} is not a transport error code")
