"""Server-side transport detection from the first bytes of a connection, fed byte by byte."""

from __future__ import annotations

import os

import pytest

from tgfleet.errors import EncodeError, PacketTooLarge, TransportError
from tgfleet.mtproto.transport import (
    Abridged,
    Full,
    Intermediate,
    Obfuscated,
    PaddedIntermediate,
    ServerTransport,
    detect,
)

from .transport_cases import ALL, IDS, SECRET, Case, payload_of

DECIDED_AFTER = {Abridged: 1, Intermediate: 4, PaddedIntermediate: 4, Full: 8}
"""Bytes the server needs before it knows the transport (obfuscated: the 64-byte header)."""


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_detect_byte_by_byte(case: Case) -> None:
    client = case.client()
    server = case.server()
    sent = [os.urandom(n) for n in (24, 508, 64)]
    stream = b"".join(client.encode(p) for p in sent)
    needed = 64 if case.obfuscated else DECIDED_AFTER[case.framing]
    events = []
    for i in range(len(stream)):
        assert (server.codec is not None) == (i >= needed), i
        events += server.feed(stream[i : i + 1])
    assert [payload_of(e, p, case) for e, p in zip(events, sent, strict=True)] == sent
    codec = server.codec
    if case.obfuscated:
        assert isinstance(codec, Obfuscated)
        codec = codec.inner
    assert type(codec) is case.framing
    assert codec.server


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_detect_function_consumes_the_tag(case: Case) -> None:
    client = case.client()
    stream = client.encode(bytes(24))
    for end in range(len(stream)):
        found = detect(stream[:end], secret=case.secret)
        if found is not None:
            break
    assert found is not None
    _, used = found
    assert used == (64 if case.obfuscated else len(case.framing.TAG))


def test_encode_before_detection_is_an_error() -> None:
    server = ServerTransport()
    server.feed(b"\xee\xee")
    with pytest.raises(EncodeError):
        server.encode(bytes(8))
    assert server.start() == b""


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\n",
        b"POST /api HTTP/1.1\r\n",
        b"HEAD / HTTP/1.1\r\n",
        b"OPTIONS * HTTP/1.1\r\n",
        bytes.fromhex("16030102") + bytes(60),  # TLS ClientHello
    ],
)
def test_http_and_tls_rejected_after_four_bytes(garbage: bytes) -> None:
    server = ServerTransport()
    assert server.feed(garbage[:3]) == []
    with pytest.raises(TransportError):
        server.feed(garbage[3:4])
    with pytest.raises(TransportError):  # sticky
        server.feed(garbage[4:])


@pytest.mark.parametrize(
    ("first", "error"),
    [
        (bytes.fromhex("0D000000 00000000"), TransportError),  # not a multiple of 4
        (bytes.fromhex("08000000 00000000"), TransportError),  # shorter than 12 + 4
        (bytes.fromhex("0C000000 00000000"), TransportError),  # zero-length payload
        (bytes.fromhex("10000001 00000000"), PacketTooLarge),
    ],
)
def test_implausible_full_length(first: bytes, error: type[TransportError]) -> None:
    server = ServerTransport()
    for byte in first[:-1]:
        assert server.feed(bytes((byte,))) == []
    with pytest.raises(error):
        server.feed(first[-1:])


def test_64_bytes_of_garbage_rejected() -> None:
    garbage = bytes(range(1, 65))
    server = ServerTransport()
    for i in range(63):
        assert server.feed(garbage[i : i + 1]) == []
    with pytest.raises(TransportError, match="unknown protocol tag"):
        server.feed(garbage[63:])


def test_wrong_mtproxy_secret_rejected() -> None:
    fixed = bytes(range(7, 71))
    header = Obfuscated(Intermediate(), secret=SECRET, random=lambda n: fixed[:n]).start()
    with pytest.raises(TransportError):
        ServerTransport(secret=bytes(16)).feed(header)
    with pytest.raises(TransportError):
        ServerTransport().feed(header)
    assert ServerTransport(secret=SECRET).feed(header) == []
