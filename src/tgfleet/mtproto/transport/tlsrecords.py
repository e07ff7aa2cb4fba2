"""TLS records for fake TLS (``faketls.py``): the framing of an ``ee`` MTProxy connection after the hellos.

Application-data records ``17 03 03 len`` of at most ``MAX_SEND`` bytes carry the obfuscated2 stream; the
client's first one follows a change-cipher-spec record (``14 03 03 00 01 01``), as real TLS clients send it
(https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation). Incoming records are bounded
(``MAX_RECORD``) and typed: any other type, version or size is a ``TransportError``. Sans-IO, both roles.
"""

from __future__ import annotations

from tgfleet.errors import TransportError
from tgfleet.mtproto.transport.base import Codec, Event, drain

HANDSHAKE, CHANGE_CIPHER_SPEC, ALERT, APPLICATION_DATA = 0x16, 0x14, 0x15, 0x17
CCS_RECORD = b"\x14\x03\x03\x00\x01\x01"
MAX_SEND = 1 << 14
"""Payload bytes per outgoing record (TLS's plaintext limit)."""
MAX_RECORD = (1 << 14) + 2048
"""Largest accepted incoming record payload (TLS 1.2's ciphertext limit)."""


def record_header(data: bytes | bytearray, pos: int, kind: int, max_record: int = MAX_RECORD) -> int:
    """The payload length of the record at ``pos`` after checking its type, version and size."""
    got = data[pos]
    if got != kind:
        what = "an alert" if got == ALERT else f"record type {got:#04x}"
        raise TransportError(f"fake TLS: {what} where record type {kind:#04x} belongs")
    if data[pos + 1 : pos + 3] != b"\x03\x03":
        raise TransportError(f"fake TLS: record version {bytes(data[pos + 1 : pos + 3]).hex()}, not 0303")
    length = int.from_bytes(data[pos + 3 : pos + 5], "big")
    if not 0 < length <= max_record:
        raise TransportError(f"fake TLS: a {length}-byte record (at most {max_record})")
    return length


class TlsRecords:
    """Application-data record framing after the hellos, one connection in one role.

    ``wrap`` cuts outgoing bytes into records of at most ``MAX_SEND`` (the client's first one follows a
    change-cipher-spec record). ``unwrap`` buffers incoming bytes and returns the payload of every whole
    record; the server takes one change-cipher-spec record first. A wrong record type or version, an empty
    or oversized record raises ``TransportError`` (after the payload decoded before it: sticky).
    """

    def __init__(self, *, server: bool, max_record: int = MAX_RECORD) -> None:
        self._ccs_to_send = not server
        self._ccs_to_take = server
        self._max_record = max_record
        self._buf = bytearray()
        self._failed: TransportError | None = None

    def wrap(self, data: bytes) -> bytes:
        if not data:
            return b""
        out = bytearray(CCS_RECORD if self._ccs_to_send else b"")
        self._ccs_to_send = False
        for start in range(0, len(data), MAX_SEND):
            chunk = data[start : start + MAX_SEND]
            out += b"\x17\x03\x03" + len(chunk).to_bytes(2, "big") + chunk
        return bytes(out)

    def unwrap(self, data: bytes) -> bytes:
        if self._failed is not None:
            raise self._failed
        buf = self._buf
        buf += data
        out = bytearray()
        pos = 0
        try:
            while len(buf) - pos >= 5:
                kind = buf[pos]
                expected = CHANGE_CIPHER_SPEC if self._ccs_to_take and kind == CHANGE_CIPHER_SPEC else APPLICATION_DATA
                length = record_header(buf, pos, expected, self._max_record)
                if len(buf) - pos < 5 + length:
                    break
                if kind == APPLICATION_DATA:
                    out += buf[pos + 5 : pos + 5 + length]
                elif length != 1 or buf[pos + 5] != 1:
                    raise TransportError("fake TLS: a malformed change-cipher-spec record")
                self._ccs_to_take = False
                pos += 5 + length
        except TransportError as exc:
            self._failed = exc
            if not out:
                raise
        finally:
            del buf[:pos]
        return bytes(out)

    @property
    def buffered(self) -> int:
        """Bytes of a partial record held until the rest arrives."""
        return len(self._buf)


class FakeTls:
    """A codec (``Codec`` protocol) carried in fake-TLS records: an ``ee`` MTProxy's obfuscated2 stream."""

    def __init__(self, inner: Codec, records: TlsRecords) -> None:
        self.inner = inner
        self._records = records
        self._failed: TransportError | None = None

    def __repr__(self) -> str:
        return f"<FakeTls {self.inner!r}>"

    def start(self) -> bytes:
        return self._records.wrap(self.inner.start())

    def encode(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        return self._records.wrap(self.inner.encode(payload, quick_ack=quick_ack))

    def encode_error(self, code: int) -> bytes:
        return self._records.wrap(self.inner.encode_error(code))

    def encode_quick_ack(self, token: int) -> bytes:
        return self._records.wrap(self.inner.encode_quick_ack(token))

    def receive_data(self, data: bytes) -> None:
        if self._failed is not None:
            return
        try:
            self.inner.receive_data(self._records.unwrap(data))
            self._records.unwrap(b"")  # an error after good records surfaces now, kept for next_event
        except TransportError as exc:
            self._failed = exc

    def next_event(self) -> Event | None:
        event = self.inner.next_event()
        if event is None and self._failed is not None:
            raise self._failed
        return event

    def feed(self, data: bytes) -> list[Event]:
        return drain(self, data)

    @property
    def buffered(self) -> int:
        return self._records.buffered + self.inner.buffered
