"""Full framing: https://core.telegram.org/mtproto/mtproto-transports#full

No init tag. Frame: 4-byte LE total length (including these 12 framing bytes), 4-byte LE sequence
number (0, 1, 2, ... per connection and direction), payload, 4-byte LE ``crc32(length + seq + payload)``.
No quick ACKs. A wrong sequence number or CRC is a ``TransportError``.
"""

from __future__ import annotations

import os
import zlib

from tgfleet.errors import EncodeError, TransportError
from tgfleet.mtproto.transport.base import DEFAULT_MAX_PACKET, Event, Framing, Random

_LIMIT = 1 << 32


class Full(Framing):
    """The full transport, either role. ``quick_ack`` is ignored when encoding (none exists here)."""

    NAME = "full"

    def __init__(
        self, *, server: bool = False, max_packet: int = DEFAULT_MAX_PACKET, random: Random = os.urandom
    ) -> None:
        super().__init__(server=server, max_packet=max_packet, random=random)
        self.send_seq = 0
        self.recv_seq = 0

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        return self._frame(payload, False)

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        size = len(payload) + 12
        if size % 4:
            raise EncodeError(f"full: payload length {size - 12} is not a multiple of 4")
        if size >= _LIMIT:
            raise EncodeError(f"full: payload length {size - 12} does not fit in 32 bits")
        header = size.to_bytes(4, "little") + (self.send_seq % _LIMIT).to_bytes(4, "little")
        self.send_seq += 1
        crc = zlib.crc32(payload, zlib.crc32(header))
        return header + payload + crc.to_bytes(4, "little")

    def _decode(self) -> Event | None:
        available = self._available()
        if available < 4:
            return None
        pos = self._pos
        total = int.from_bytes(self._buf[pos : pos + 4], "little")
        if total < 12:
            raise TransportError(f"full: total length {total} is shorter than the 12 framing bytes")
        if not self._check_length(total - 12, 8):
            return None
        if available < total:
            return None
        buf = self._buf
        seq = int.from_bytes(buf[pos + 4 : pos + 8], "little")
        if seq != self.recv_seq % _LIMIT:
            raise TransportError(f"full: sequence number {seq}, expected {self.recv_seq % _LIMIT}")
        end = pos + total - 4
        crc = int.from_bytes(buf[end : end + 4], "little")
        with memoryview(buf) as view, view[pos:end] as framed:
            actual = zlib.crc32(framed)
        if crc != actual:
            raise TransportError(f"full: CRC32 {crc:08x} in frame {seq}, computed {actual:08x}")
        self.recv_seq += 1
        return self._packet(self._take(8, total - 4, total), False)
