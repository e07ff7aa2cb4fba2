"""Fake TLS (``ee`` MTProxy secrets), both roles in memory: the hellos sign and check each other, the data
phase carries obfuscated2 frames in records, and hostile input (wrong secret, stale time, oversized or
mistyped records, truncated hellos, random bytes) raises TransportError and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.errors import TransportError
from tgfleet.mtproto.transport import Obfuscated, Packet, PaddedIntermediate
from tgfleet.mtproto.transport.faketls import (
    HELLO_SIZE,
    check_client_hello,
    check_server_hello,
    client_hello,
    client_hello_size,
    server_hello,
    server_hello_size,
)
from tgfleet.mtproto.transport.obfuscated import HEADER_SIZE, accept_header
from tgfleet.mtproto.transport.tlsrecords import CCS_RECORD, MAX_RECORD, MAX_SEND, FakeTls, TlsRecords

from .transport_cases import chunks, pattern, seeded

KEY = bytes(range(16))
OTHER = bytes(range(1, 17))
DOMAIN = "www.example.com"
NOW = 1_700_000_000


def _hello(key: bytes = KEY, *, timestamp: int = NOW, seed: int = 1) -> bytes:
    return client_hello(key, DOMAIN, timestamp=timestamp, random=seeded(seed))


def test_hellos_both_roles() -> None:
    hello = _hello()
    assert len(hello) == HELLO_SIZE and hello[:3] == b"\x16\x03\x01" and DOMAIN.encode() in hello
    assert client_hello_size(hello[:5]) == len(hello)
    seen = check_client_hello(KEY, hello, now=NOW + 30, domain=DOMAIN)
    assert (seen.timestamp, seen.domain, seen.random) == (NOW, DOMAIN, hello[11:43])
    answer = server_hello(KEY, seen, random=seeded(2))
    assert answer[:3] == b"\x16\x03\x03" and CCS_RECORD + b"\x17\x03\x03" in answer
    assert server_hello_size(answer + b"more") == len(answer)
    assert [server_hello_size(answer[:n]) for n in (0, 4, 5, 100, len(answer) - 1)] == [None] * 5
    check_server_hello(KEY, hello[11:43], answer)


def test_each_hello_is_fresh() -> None:
    assert _hello(seed=1)[11:] != _hello(seed=2)[11:]


def test_a_wrong_secret_fails_both_checks() -> None:
    with pytest.raises(TransportError, match="not signed with this secret"):
        check_client_hello(OTHER, _hello(), now=NOW)
    seen = check_client_hello(KEY, _hello(), now=NOW)
    answer = server_hello(OTHER, seen, random=seeded(2))
    with pytest.raises(TransportError, match="ServerHello is not signed"):
        check_server_hello(KEY, seen.random, answer)
    with pytest.raises(TransportError, match="ServerHello is not signed"):  # an answer meant for another hello
        check_server_hello(KEY, _hello(seed=3)[11:43], server_hello(KEY, seen, random=seeded(2)))


def test_a_tampered_hello_fails() -> None:
    hello = bytearray(_hello())
    hello[-1] ^= 1
    with pytest.raises(TransportError, match="not signed"):
        check_client_hello(KEY, bytes(hello), now=NOW)


def test_time_and_domain_are_checked() -> None:
    with pytest.raises(TransportError, match=r"time is \+1000 s off"):
        check_client_hello(KEY, _hello(timestamp=NOW + 1000), now=NOW)
    with pytest.raises(TransportError, match=r"names 'www\.example\.com', not 'other\.org'"):
        check_client_hello(KEY, _hello(), now=NOW, domain="other.org")


@pytest.mark.parametrize("cut", [1, 40, 200, HELLO_SIZE - 5 - 40])
def test_truncated_hellos(cut: int) -> None:
    """A hello cut short: as a record whose length no longer matches, and re-framed so the fields run out."""
    hello = _hello()
    with pytest.raises(TransportError, match="not one whole record"):
        check_client_hello(KEY, hello[:-cut], now=NOW)
    body = hello[5:-cut]
    reframed = hello[:3] + len(body).to_bytes(2, "big") + b"\x01" + (len(body) - 4).to_bytes(3, "big") + body[4:]
    with pytest.raises(TransportError, match="runs past the end"):
        check_client_hello(KEY, reframed, now=NOW)


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        (b"\x17\x03\x03\x00\x10", "does not start a TLS handshake record"),
        (b"GET /", "does not start a TLS handshake record"),
        (b"\x16\x03\x01\x00\x00", "0-byte handshake record"),
        (b"\x16\x03\x01" + (MAX_RECORD + 1).to_bytes(2, "big"), f"{MAX_RECORD + 1}-byte handshake record"),
    ],
)
def test_hostile_hello_headers(head: bytes, problem: str) -> None:
    with pytest.raises(TransportError, match=problem):
        client_hello_size(head)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (b"\x15\x03\x03\x00\x02\x02\x28", "an alert where record type 0x16 belongs"),
        (b"\x16\x03\x01\x00\x01\x02", "record version 0301"),
        (b"\x16\x03\x03\x00\x01\x02\x17\x03\x03\x00\x01\x00", "record type 0x17 where record type 0x14 belongs"),
        (b"\x16\x03\x03\x00\x01\x02\x14\x03\x03\x00\x02\x01\x01", "2-byte change-cipher-spec"),
        (b"\x16\x03\x03\xff\xff", "65535-byte record"),
    ],
)
def test_hostile_server_answers(answer: bytes, problem: str) -> None:
    with pytest.raises(TransportError, match=problem):
        server_hello_size(answer)


def test_an_answer_that_is_no_server_hello() -> None:
    answer = b"\x16\x03\x03\x00\x01\x01" + CCS_RECORD + b"\x17\x03\x03\x00\x01\x00"
    with pytest.raises(TransportError, match="no ServerHello"):
        check_server_hello(KEY, bytes(32), answer)


def _pair(seed: int = 5) -> tuple[FakeTls, TlsRecords, Obfuscated]:
    """A client codec, and the server side after it took the client's first bytes (CCS + header)."""
    client = FakeTls(
        Obfuscated(PaddedIntermediate(random=seeded(seed)), secret=KEY, dc_id=-2, random=seeded(seed)),
        TlsRecords(server=False),
    )
    server_records = TlsRecords(server=True)
    first = client.start()
    assert first.startswith(CCS_RECORD + b"\x17\x03\x03")
    stream = server_records.unwrap(first)
    assert len(stream) == HEADER_SIZE
    accepted = accept_header(stream, KEY)
    assert (accepted.tag, accepted.dc_id) == (PaddedIntermediate.OBFUSCATION_TAG, -2)
    server = Obfuscated.accept(stream, secret=KEY)
    return client, server_records, server


def test_data_phase_both_roles_in_any_chunking() -> None:
    client, records, server = _pair()
    payloads = [pattern(24 + 16 * n) for n in range(50)] + [pattern(3 * MAX_SEND + 24)]
    wire = b"".join(client.encode(p) for p in payloads)
    got = []
    for piece in chunks(wire, list(range(0, len(wire), 997))):
        got += [e.payload for e in server.feed(records.unwrap(piece)) if isinstance(e, Packet)]
    assert [g[: len(p)] for g, p in zip(got, payloads, strict=True)] == payloads  # padded framing keeps padding
    reply = FakeTls(server, records).encode(pattern(40_000))
    assert reply.count(b"\x17\x03\x03") >= 3 and not reply.startswith(CCS_RECORD)
    events = [e for piece in chunks(reply, [1, 5, 6, 20_000]) for e in client.feed(piece)]
    assert isinstance(events[0], Packet) and events[0].payload[:40_000] == pattern(40_000)


@pytest.mark.parametrize(
    ("records", "problem"),
    [
        (b"\x16\x03\x03\x00\x04abcd", "record type 0x16"),
        (b"\x15\x03\x03\x00\x02\x02\x28", "an alert"),
        (b"\x17\x03\x01\x00\x04abcd", "record version 0301"),
        (b"\x17\x03\x03\x00\x00", "0-byte record"),
        (b"\x17\x03\x03" + (MAX_RECORD + 1).to_bytes(2, "big"), f"{MAX_RECORD + 1}-byte record"),
        (CCS_RECORD, "record type 0x14"),  # the client never takes one after the hellos
    ],
)
def test_hostile_records_to_the_client(records: bytes, problem: str) -> None:
    codec = TlsRecords(server=False)
    with pytest.raises(TransportError, match=problem):
        codec.unwrap(records)
    with pytest.raises(TransportError, match=problem):  # sticky
        codec.unwrap(b"\x17\x03\x03\x00\x01x")


def test_server_takes_one_change_cipher_spec_first() -> None:
    server = TlsRecords(server=True)
    assert server.unwrap(CCS_RECORD + b"\x17\x03\x03\x00\x02hi") == b"hi"
    with pytest.raises(TransportError, match="record type 0x14"):
        server.unwrap(CCS_RECORD)
    with pytest.raises(TransportError, match="malformed change-cipher-spec"):
        TlsRecords(server=True).unwrap(b"\x14\x03\x03\x00\x01\x02")


def test_good_records_before_a_bad_one_come_out_first() -> None:
    client, records, server = _pair()
    codec = FakeTls(server, records)
    wire = client.encode(pattern(64)) + b"\x16\x03\x03\x00\x01\x00"
    assert [len(e.payload) >= 64 for e in codec.feed(wire) if isinstance(e, Packet)] == [True]
    with pytest.raises(TransportError, match="record type 0x16"):
        codec.feed(b"")


def test_oversized_record_is_refused_from_its_header() -> None:
    """The length alone condemns it: nothing of the body has to be buffered."""
    codec = TlsRecords(server=False, max_record=1000)
    with pytest.raises(TransportError, match="1001-byte record"):
        codec.unwrap(b"\x17\x03\x03" + (1001).to_bytes(2, "big"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(0, 600), max_size=4))
def test_random_bytes_into_every_receiver(data: bytes, cuts: list[int]) -> None:
    for role in (False, True):
        records = TlsRecords(server=role)
        try:
            for piece in chunks(data, cuts):
                records.unwrap(piece)
        except TransportError:
            pass
    for parse in (server_hello_size, client_hello_size):
        try:
            parse(data)
        except TransportError:
            pass
    try:
        check_client_hello(KEY, data, now=NOW)
    except TransportError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.integers(0, HELLO_SIZE - 1), st.integers(0, 255))
def test_mutated_hellos_raise_transport_errors_only(offset: int, value: int) -> None:
    hello = bytearray(_hello())
    hello[offset] = value
    try:
        # no clock skew allowed: a change to the timestamp's low byte would otherwise stay in the window
        seen = check_client_hello(KEY, bytes(hello), now=NOW, max_skew=0)
    except TransportError:
        return
    assert hello == bytearray(_hello())  # only a no-op change may pass
    assert seen.domain == DOMAIN


def test_buffered_counts_a_partial_record_and_a_partial_frame() -> None:
    client, records, server = _pair()
    reply = FakeTls(server, records).encode(pattern(3 * MAX_SEND))  # a frame in four records
    assert client.buffered == 0
    assert client.feed(reply[:3]) == [] and client.buffered == 3  # a record's header, not whole
    cut = 2 * (5 + MAX_SEND) + 7  # two whole records (a partial frame) and 7 bytes of the third record
    assert client.feed(reply[3:cut]) == [] and client.buffered == 2 * MAX_SEND + 7
    assert len(client.feed(reply[cut:])) == 1 and client.buffered == 0
