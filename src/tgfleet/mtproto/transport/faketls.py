"""Fake TLS, the transport of ``ee`` MTProxy secrets, sans-IO, in both roles.

https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation and https://core.telegram.org/proxy
(an ``ee`` secret is ``ee`` + 16-byte key + the domain the proxy poses as). The connection looks like TLS 1.3:

1. The client sends a ClientHello record (``16 03 01 len``) shaped like a browser's, with the domain as SNI
   and a real X25519 key share. Its 32-byte random (at offset 11) is HMAC-SHA256(key, hello with the random
   zeroed) whose last 4 bytes are XORed with the unix time (LE): the proxy checks both.
2. The proxy answers three records: a ServerHello (``16 03 03``) echoing the session id, a change-cipher-spec
   (``14 03 03 00 01 01``) and an application-data record of random bytes (standing for the encrypted
   certificate). Its random is HMAC-SHA256(key, client random + the whole answer with that random zeroed).
3. From then on the obfuscated2 stream (padded intermediate inside) travels in application-data records
   (``17 03 03 len``) of at most 16 KiB; the client's first one follows a change-cipher-spec record, as real
   clients send it. Incoming records are bounded (``MAX_RECORD``) and typed: anything else is a
   ``TransportError``.

Here: ``client_hello`` / ``server_hello_size`` / ``check_server_hello`` (client), ``client_hello_size`` /
``check_client_hello`` / ``server_hello`` (server). The records of step 3 are ``tlsrecords.py``. Time and
randomness are parameters.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from tgfleet.crypto import x25519
from tgfleet.errors import TransportError
from tgfleet.mtproto.transport.base import Random
from tgfleet.mtproto.transport.tlsrecords import (
    APPLICATION_DATA,
    CCS_RECORD,
    CHANGE_CIPHER_SPEC,
    HANDSHAKE,
    MAX_RECORD,
    record_header,
)

HELLO_SIZE = 517
"""A browser-like ClientHello record is padded to this size."""
RANDOM = slice(11, 43)
"""Where the random of a ClientHello / ServerHello record sits."""
DEFAULT_MAX_SKEW = 300.0
"""Seconds a ClientHello's time may be off the proxy's clock."""

_CIPHERS = bytes.fromhex("130113021303c02bc02fc02cc030cca9cca8c013c014009c009d002f0035")
_SIGNATURES = bytes.fromhex("04030804040105030805050108060601")
_ALPN = b"\x02h2\x08http/1.1"


@dataclass(frozen=True, slots=True)
class ClientHello:
    """What the proxy learned from a valid ClientHello."""

    random: bytes
    session_id: bytes
    timestamp: int
    domain: str | None


# -- client --------------------------------------------------------------------------------------------------------
def client_hello(secret: bytes, domain: str, *, timestamp: int, random: Random = os.urandom) -> bytes:
    """The ClientHello record for ``domain``, signed with the 16-byte ``secret`` at ``timestamp`` (unix s).

    Keep ``hello[11:43]`` (the client random): ``check_server_hello`` needs it."""
    _check_key(secret)
    name = domain.encode("ascii")
    if not 0 < len(name) <= 253:
        raise ValueError(f"a fake-TLS domain is 1 to 253 bytes, got {len(name)}")
    g = _greases(random)
    exts = _extensions(name, g, x25519.public_key(random(32)))
    body = b"\x03\x03" + bytes(32) + b"\x20" + random(32) + _u16(len(_CIPHERS) + 2) + g[0] + _CIPHERS + b"\x01\x00"
    unpadded = 4 + len(body) + 2 + len(exts) + 4  # with a padding extension's header
    if unpadded <= HELLO_SIZE - 5:
        exts += _ext(0x0015, bytes(HELLO_SIZE - 5 - unpadded))
    body += _u16(len(exts)) + exts
    hello = bytearray(_record(HANDSHAKE, b"\x01" + _u24(len(body)) + body, version=b"\x03\x01"))
    digest = _hmac(secret, bytes(hello))
    stamp = int.from_bytes(digest[28:32], "little") ^ (timestamp & 0xFFFFFFFF)
    hello[RANDOM] = digest[:28] + stamp.to_bytes(4, "little")
    return bytes(hello)


def server_hello_size(data: bytes) -> int | None:
    """Bytes of the proxy's answer at the start of ``data`` (ServerHello, change cipher spec, application
    data records), or None if more are needed; ``TransportError`` if it is shaped otherwise."""
    pos = 0
    for kind in (HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA):
        if len(data) < pos + 5:
            return None
        length = record_header(data, pos, kind)
        if kind == CHANGE_CIPHER_SPEC and length != 1:
            raise TransportError(f"fake TLS: a {length}-byte change-cipher-spec record")
        pos += 5 + length
    return pos if len(data) >= pos else None


def check_server_hello(secret: bytes, client_random: bytes, answer: bytes) -> None:
    """Raise ``TransportError`` unless ``answer`` (``server_hello_size`` bytes) is a ServerHello signed with
    ``secret`` for our ``client_random``."""
    if server_hello_size(answer) != len(answer) or answer[5] != 0x02:
        raise TransportError("fake TLS: the answer is no ServerHello")
    zeroed = answer[:11] + bytes(32) + answer[43:]
    if not hmac.compare_digest(_hmac(secret, client_random + zeroed), answer[RANDOM]):
        raise TransportError("fake TLS: the ServerHello is not signed with this secret")


# -- server --------------------------------------------------------------------------------------------------------
def client_hello_size(data: bytes) -> int | None:
    """Bytes of the ClientHello record at the start of ``data`` (None: fewer than 5 bytes);
    ``TransportError`` if it is no TLS handshake record."""
    if len(data) < 5:
        return None
    if data[0] != HANDSHAKE or data[1] != 3 or not 1 <= data[2] <= 3:
        raise TransportError(f"fake TLS: {data[:3].hex()} does not start a TLS handshake record")
    length = int.from_bytes(data[3:5], "big")
    if not 0 < length <= MAX_RECORD:
        raise TransportError(f"fake TLS: a {length}-byte handshake record")
    return 5 + length


def check_client_hello(
    secret: bytes, hello: bytes, *, now: float, max_skew: float = DEFAULT_MAX_SKEW, domain: str | None = None
) -> ClientHello:
    """The checked ClientHello record ``hello``: ``TransportError`` if it is malformed, not signed with
    ``secret``, more than ``max_skew`` seconds off ``now``, or (given ``domain``) names another server."""
    _check_key(secret)
    if client_hello_size(hello) != len(hello):
        raise TransportError(f"fake TLS: the {len(hello)}-byte ClientHello is not one whole record")
    fields = _parse_client_hello(hello)
    expected = _hmac(secret, hello[:11] + bytes(32) + hello[43:])
    got = bytes(a ^ b for a, b in zip(expected, hello[RANDOM], strict=True))
    if any(got[:28]):
        raise TransportError("fake TLS: the ClientHello is not signed with this secret")
    timestamp = int.from_bytes(got[28:32], "little")
    if abs(timestamp - now) > max_skew:
        raise TransportError(f"fake TLS: the ClientHello's time is {timestamp - now:+.0f} s off")
    if domain is not None and fields[1] != domain:
        raise TransportError(f"fake TLS: the ClientHello names {fields[1]!r}, not {domain!r}")
    return ClientHello(hello[RANDOM], fields[0], timestamp, fields[1])


def server_hello(secret: bytes, hello: ClientHello, *, random: Random = os.urandom) -> bytes:
    """The proxy's answer to a checked ClientHello: ServerHello + change cipher spec + application data."""
    _check_key(secret)
    exts = _ext(0x0033, b"\x00\x1d\x00\x20" + x25519.public_key(random(32))) + _ext(0x002B, b"\x03\x04")
    body = b"\x03\x03" + bytes(32) + bytes([len(hello.session_id)]) + hello.session_id + b"\x13\x01\x00"
    body += _u16(len(exts)) + exts
    certificate = random(1024 + int.from_bytes(random(2), "big") % 3072)
    answer = bytearray(_record(HANDSHAKE, b"\x02" + _u24(len(body)) + body) + CCS_RECORD)
    answer += _record(APPLICATION_DATA, certificate)
    answer[RANDOM] = _hmac(secret, hello.random + bytes(answer))
    return bytes(answer)


def _parse_client_hello(hello: bytes) -> tuple[bytes, str | None]:
    """``(session_id, SNI host name or None)``, every length checked against what is left."""
    reader = _Reader(hello, 5)
    if reader.take(1) != b"\x01" or reader.u(3) != len(hello) - 9:
        raise TransportError("fake TLS: the handshake record holds no single ClientHello")
    reader.take(2 + 32)  # legacy version, random
    session_id = reader.take(reader.u(1))
    if len(session_id) > 32:
        raise TransportError(f"fake TLS: a {len(session_id)}-byte session id (at most 32)")
    reader.take(reader.u(2))  # cipher suites
    reader.take(reader.u(1))  # compression methods
    extensions = _Reader(reader.take(reader.u(2)))
    if reader.left:
        raise TransportError(f"fake TLS: {reader.left} bytes after the ClientHello's extensions")
    domain = None
    while extensions.left:
        kind, data = extensions.u(2), extensions.take(extensions.u(2))
        if kind == 0:  # server_name: list length, then (type 0, name length, name)
            names = _Reader(data, 2)
            if names.take(1) == b"\x00":
                domain = names.take(names.u(2)).decode("ascii", "replace")
    return session_id, domain


# -- helpers -------------------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self._data = data
        self._pos = pos

    @property
    def left(self) -> int:
        return len(self._data) - self._pos

    def take(self, n: int) -> bytes:
        if n > self.left:
            raise TransportError(f"fake TLS: a field of {n} bytes runs past the end ({self.left} left)")
        self._pos += n
        return self._data[self._pos - n : self._pos]

    def u(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")


def _extensions(name: bytes, g: list[bytes], key_share: bytes) -> bytes:
    sni = _u16(len(name) + 3) + b"\x00" + _u16(len(name)) + name
    return b"".join(
        (
            _ext(int.from_bytes(g[2], "big"), b""),
            _ext(0x0000, sni),
            _ext(0x0017, b""),  # extended master secret
            _ext(0xFF01, b"\x00"),  # renegotiation info
            _ext(0x000A, b"\x00\x08" + g[1] + b"\x00\x1d\x00\x17\x00\x18"),  # groups
            _ext(0x000B, b"\x01\x00"),  # EC point formats
            _ext(0x0023, b""),  # session ticket
            _ext(0x0010, _u16(len(_ALPN)) + _ALPN),
            _ext(0x0005, b"\x01\x00\x00\x00\x00"),  # status request
            _ext(0x000D, _u16(len(_SIGNATURES)) + _SIGNATURES),
            _ext(0x0012, b""),  # signed certificate timestamps
            _ext(0x0033, b"\x00\x29" + g[1] + b"\x00\x01\x00\x00\x1d\x00\x20" + key_share),
            _ext(0x002D, b"\x01\x01"),  # PSK modes
            _ext(0x002B, b"\x06" + g[0] + b"\x03\x04\x03\x03"),  # versions
            _ext(0x001B, b"\x02\x00\x02"),  # certificate compression
            _ext(int.from_bytes(g[3], "big"), b"\x00"),
        )
    )


def _greases(random: Random) -> list[bytes]:
    """Four GREASE values (RFC 8701: 0x?A?A); the two extension types differ, as a server demands."""
    values = [(b & 0xF0) | 0x0A for b in random(4)]
    if values[3] == values[2]:
        values[3] ^= 0x10
    return [bytes((v, v)) for v in values]


def _check_key(secret: bytes) -> None:
    if len(secret) != 16:
        raise ValueError(f"a fake-TLS key is the secret's 16 bytes, got {len(secret)}")


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _record(kind: int, payload: bytes, *, version: bytes = b"\x03\x03") -> bytes:
    return bytes([kind]) + version + _u16(len(payload)) + payload


def _ext(kind: int, data: bytes) -> bytes:
    return _u16(kind) + _u16(len(data)) + data


def _u16(n: int) -> bytes:
    return n.to_bytes(2, "big")


def _u24(n: int) -> bytes:
    return n.to_bytes(3, "big")
