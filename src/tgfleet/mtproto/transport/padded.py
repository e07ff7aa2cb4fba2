"""Padded intermediate framing: https://core.telegram.org/mtproto/mtproto-transports#padded-intermediate

Client sends ``DD DD DD DD`` once. Frame: 4-byte LE length of (payload + padding), payload, 0-15 random
padding bytes. Quick-ACK request (client): bit 31 of the length set. The server returns the token in
an 8-16 byte frame ``FF FF FF FF`` + token (LE) + 0-8 random bytes. The receiver cannot tell payload
from padding, so ``Packet.payload`` keeps the padding; ``unpad`` strips it using the MTProto lengths.

Frames shorter than 20 bytes (a 4-byte code + 15 padding bytes at most; the smallest MTProto message
is 24 bytes) are control frames: a quick-ACK token or a transport error code.
"""

from __future__ import annotations

from tgfleet.errors import EncodeError, TransportError
from tgfleet.mtproto.transport.base import Event, Framing, QuickAck, raise_code

_QUICK_ACK = 0x80000000
_CONTROL = 20


class PaddedIntermediate(Framing):
    """The padded intermediate transport, either role (``server=True`` for the server)."""

    TAG = b"\xdd\xdd\xdd\xdd"
    OBFUSCATION_TAG = TAG
    NAME = "padded intermediate"

    def _padding(self, most: int) -> bytes:
        count = self._random(1)[0] % (most + 1)
        return self._random(count) if count else b""

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        padding = self._padding(15) if len(payload) != 4 else b""  # error codes go unpadded
        size = len(payload) + len(padding)
        if size >= _QUICK_ACK:
            raise EncodeError(f"padded intermediate: payload length {size} does not fit in 31 bits")
        header = (size | _QUICK_ACK if quick_ack else size).to_bytes(4, "little")
        return header + payload + padding

    def _frame_quick_ack(self, token: int) -> bytes:
        body = b"\xff\xff\xff\xff" + token.to_bytes(4, "little") + self._padding(8)
        return len(body).to_bytes(4, "little") + body

    def _decode(self) -> Event | None:
        available = self._available()
        if available < 4:
            return None
        pos = self._pos
        size = int.from_bytes(self._buf[pos : pos + 4], "little")
        quick_ack = False
        if size & _QUICK_ACK:
            if not self.server:
                raise TransportError(f"padded intermediate: length {size:#x} from the server has bit 31")
            quick_ack = True
            size &= ~_QUICK_ACK
        if not self._check_length(size, 4, multiple_of_4=False):
            return None
        if available < 4 + size:
            return None
        payload = self._take(4, 4 + size)
        if size >= _CONTROL:
            return self._packet(payload, quick_ack)
        return self._control(payload)

    def _control(self, payload: bytes) -> QuickAck:
        size = len(payload)
        if size < 4:
            raise TransportError(f"padded intermediate: {size}-byte frame")
        if size >= 8 and payload[:4] == b"\xff\xff\xff\xff":
            if self.server or size > 16:
                raise TransportError(f"padded intermediate: unexpected {size}-byte quick-ACK frame")
            return QuickAck(int.from_bytes(payload[4:8], "little"))
        raise_code(payload, self.NAME)
        raise AssertionError("unreachable")  # pragma: no cover


def unpad(payload: bytes) -> bytes:
    """Strip padded-intermediate padding from a received MTProto message using its own lengths.

    Plain message (auth_key_id 0): ``20 + message_data_length`` (int32 at offset 16). Encrypted message:
    ``24 + 16 * k`` (auth_key_id, msg_key, then whole AES blocks); padding is under 16 bytes, so the
    largest such length that fits is the message.
    """
    size = len(payload)
    if size < 24:
        raise TransportError(f"padded intermediate: {size}-byte payload is no MTProto message")
    if payload[:8] == bytes(8):
        end = 20 + int.from_bytes(payload[16:20], "little")
        if end > size or size - end > 15:
            raise TransportError(f"padded intermediate: plain message length {end} vs frame {size}")
        return payload[:end]
    return payload[: 24 + (size - 24) // 16 * 16]
