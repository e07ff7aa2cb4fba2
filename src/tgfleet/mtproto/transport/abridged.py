"""Abridged framing: https://core.telegram.org/mtproto/mtproto-transports#abridged

Client sends ``EF`` once. Frame: ``len/4`` as one byte if ``len/4 < 127``, else ``7F`` + ``len/4`` as
3 LE bytes; then the payload. Quick-ACK request (client): MSB of the length byte set (``FF`` for the
long form). The server returns the token byte-swapped as a bare 4-byte packet, recognisable by the MSB
of its first byte (a server length byte is always ``<= 0x7F``).
"""

from __future__ import annotations

from tgfleet.errors import EncodeError
from tgfleet.mtproto.transport.base import Event, Framing, QuickAck

_MAX_WORDS = (1 << 24) - 1


class Abridged(Framing):
    """The abridged transport, either role (``server=True`` for the server)."""

    TAG = b"\xef"
    OBFUSCATION_TAG = b"\xef\xef\xef\xef"
    NAME = "abridged"

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        size = len(payload)
        if size % 4:
            raise EncodeError(f"abridged: payload length {size} is not a multiple of 4")
        words = size >> 2
        flag = 0x80 if quick_ack else 0
        if words < 0x7F:
            return bytes((words | flag,)) + payload
        if words > _MAX_WORDS:
            raise EncodeError(f"abridged: payload length {size} does not fit in 3 bytes of len/4")
        return bytes((0x7F | flag,)) + words.to_bytes(3, "little") + payload

    def _frame_quick_ack(self, token: int) -> bytes:
        return token.to_bytes(4, "big")

    def _decode(self) -> Event | None:
        available = self._available()
        if available < 1:
            return None
        first = self._buf[self._pos]
        quick_ack = False
        if first & 0x80:
            if not self.server:  # a byte-swapped quick-ACK token
                if available < 4:
                    return None
                return QuickAck(int.from_bytes(self._take(0, 4), "big"))
            quick_ack = True
            first &= 0x7F
        if first == 0x7F:
            if available < 4:
                return None
            pos = self._pos
            size = int.from_bytes(self._buf[pos + 1 : pos + 4], "little") << 2
            header = 4
        else:
            size = first << 2
            header = 1
        if not self._check_length(size, header):
            return None
        if available < header + size:
            return None
        return self._packet(self._take(header, header + size), quick_ack)
