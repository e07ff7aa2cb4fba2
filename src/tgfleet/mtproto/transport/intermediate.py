"""Intermediate framing: https://core.telegram.org/mtproto/mtproto-transports#intermediate

Client sends ``EE EE EE EE`` once. Frame: 4-byte LE payload length + payload (a multiple of 4).
Quick-ACK request (client): bit 31 of the length set. The server returns the token as a bare 4-byte
LE packet; its bit 31 is set, which no real length has.
"""

from __future__ import annotations

from tgfleet.errors import EncodeError
from tgfleet.mtproto.transport.base import Event, Framing, QuickAck

_QUICK_ACK = 0x80000000


class Intermediate(Framing):
    """The intermediate transport, either role (``server=True`` for the server)."""

    TAG = b"\xee\xee\xee\xee"
    OBFUSCATION_TAG = TAG
    NAME = "intermediate"

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        size = len(payload)
        if size % 4:
            raise EncodeError(f"intermediate: payload length {size} is not a multiple of 4")
        if size >= _QUICK_ACK:
            raise EncodeError(f"intermediate: payload length {size} does not fit in 31 bits")
        return (size | _QUICK_ACK if quick_ack else size).to_bytes(4, "little") + payload

    def _frame_quick_ack(self, token: int) -> bytes:
        return token.to_bytes(4, "little")

    def _decode(self) -> Event | None:
        available = self._available()
        if available < 4:
            return None
        pos = self._pos
        size = int.from_bytes(self._buf[pos : pos + 4], "little")
        quick_ack = False
        if size & _QUICK_ACK:
            if not self.server:  # a bare quick-ACK token
                return QuickAck(int.from_bytes(self._take(0, 4), "little"))
            quick_ack = True
            size &= ~_QUICK_ACK
        if not self._check_length(size, 4):
            return None
        if available < 4 + size:
            return None
        return self._packet(self._take(4, 4 + size), quick_ack)
