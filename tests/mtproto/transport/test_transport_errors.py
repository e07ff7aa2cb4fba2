"""Transport error codes, limits and malformed frames: every failure is a typed TransportError."""

from __future__ import annotations

import zlib

import pytest

from tgfleet.errors import EncodeError, PacketTooLarge, TransportCodeError, TransportError
from tgfleet.mtproto.transport import (
    Abridged,
    Full,
    Intermediate,
    Obfuscated,
    Packet,
    PaddedIntermediate,
    QuickAck,
    make_init,
    unpad,
)

from .transport_cases import ALL, IDS, PLAIN, Case

CODES = [-404, -429, -444, -1, -12345, -(1 << 31)]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_transport_error_code_is_typed(case: Case, code: int) -> None:
    client, server = case.pair()
    with pytest.raises(TransportCodeError) as info:
        client.feed(server.encode_error(code))
    assert info.value.code == code
    assert isinstance(info.value, TransportError)


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_packets_before_an_error_are_delivered_then_it_raises(case: Case) -> None:
    client, server = case.pair()
    reply = bytes(range(32))
    events = client.feed(server.encode(reply) + server.encode_error(-429) + server.encode(reply))
    assert len(events) == 1
    assert isinstance(events[0], Packet)
    assert events[0].payload[:32] == reply
    for _ in range(2):  # sticky: the stream cannot be trusted any more
        with pytest.raises(TransportCodeError) as info:
            client.feed(server.encode(reply))
        assert info.value.code == -429


@pytest.mark.parametrize("framing", [Abridged, Intermediate, Full])
def test_positive_four_byte_payload_is_not_a_code(framing: type[Abridged]) -> None:
    server = framing(server=True)
    with pytest.raises(TransportError) as info:
        framing().feed(server.encode(bytes.fromhex("01000000")))
    assert not isinstance(info.value, TransportCodeError)


# --- max packet size -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [104, 1028])
@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_too_large_raises_with_only_the_header(case: Case, size: int) -> None:
    limit = size - 4
    for upstream in (True, False):
        client, server = case.pair(max_packet=limit)
        sender, receiver = (client, server) if upstream else (server, client)
        frame = sender.encode(bytes(size))
        header = 1 if case.framing is Abridged and size < 508 else 4
        assert receiver.feed(frame[: header - 1]) == []
        with pytest.raises(PacketTooLarge):
            receiver.feed(frame[header - 1 : header])


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_exactly_max_packet_is_accepted(case: Case) -> None:
    limit = 1024 + (15 if case.padded else 0)
    client, server = case.pair(max_packet=limit)
    assert len(server.feed(client.encode(bytes(1024)))) == 1
    assert len(client.feed(server.encode(bytes(1024)))) == 1


# --- malformed frames ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framing", "server", "frame"),
    [
        (Abridged, True, b"\x00"),
        (Abridged, False, b"\x00"),
        (Abridged, True, b"\x80"),
        (Abridged, True, bytes.fromhex("7F000000")),
        (Intermediate, True, bytes(4)),
        (Intermediate, False, bytes(4)),
        (PaddedIntermediate, True, bytes(4)),
        (PaddedIntermediate, False, bytes(4)),
    ],
)
def test_zero_length_frame(framing: type[Abridged], server: bool, frame: bytes) -> None:
    with pytest.raises(TransportError, match="zero-length"):
        framing(server=server).feed(frame)


def test_zero_length_full_frame() -> None:
    with pytest.raises(TransportError, match="zero-length"):
        Full(server=True).feed(Full().encode(b""))


@pytest.mark.parametrize("server", [True, False])
def test_length_not_multiple_of_4(server: bool) -> None:
    with pytest.raises(TransportError, match="multiple of 4"):
        Intermediate(server=server).feed(bytes.fromhex("05000000"))
    with pytest.raises(TransportError, match="multiple of 4"):
        Full(server=server).feed(bytes.fromhex("11000000"))
    with pytest.raises(TransportError, match="shorter"):
        Full(server=server).feed(bytes.fromhex("08000000"))


def test_full_bad_crc() -> None:
    frame = bytearray(Full().encode(bytes(range(16))))
    frame[-1] ^= 0x01
    with pytest.raises(TransportError, match="CRC32"):
        Full(server=True).feed(bytes(frame))
    frame = bytearray(Full().encode(bytes(range(16))))
    frame[10] ^= 0x80  # a payload bit
    with pytest.raises(TransportError, match="CRC32"):
        Full(server=True).feed(bytes(frame))


def test_full_bad_seqno() -> None:
    sender = Full()
    first, second = sender.encode(bytes(8)), sender.encode(bytes(8))
    with pytest.raises(TransportError, match="sequence number 1, expected 0"):
        Full(server=True).feed(second)
    receiver = Full(server=True)
    assert receiver.feed(first) == [Packet(bytes(8))]
    with pytest.raises(TransportError, match="sequence number 0, expected 1"):
        receiver.feed(first)  # a replay


def test_full_seqno_with_valid_crc_but_wrong_number() -> None:
    header = (20).to_bytes(4, "little") + (7).to_bytes(4, "little")
    body = header + bytes(8)
    frame = body + zlib.crc32(body).to_bytes(4, "little")
    with pytest.raises(TransportError, match="sequence number 7"):
        Full(server=True).feed(frame)


def test_padded_control_frames() -> None:
    ack = (12).to_bytes(4, "little") + b"\xff" * 4 + (0x80000001).to_bytes(4, "little") + bytes(4)
    assert PaddedIntermediate().feed(ack) == [QuickAck(0x80000001)]
    with pytest.raises(TransportError, match="quick-ACK"):
        PaddedIntermediate(server=True).feed(ack)
    with pytest.raises(TransportError):  # a short frame that is neither code nor ACK
        PaddedIntermediate().feed((8).to_bytes(4, "little") + bytes(8))
    with pytest.raises(TransportError):
        PaddedIntermediate().feed((2).to_bytes(4, "little") + bytes(2))
    with pytest.raises(TransportError, match="bit 31"):  # servers never set it
        PaddedIntermediate().feed(bytes.fromhex("18000080"))
    with pytest.raises(TransportCodeError) as info:  # a padded error code
        PaddedIntermediate().feed((9).to_bytes(4, "little") + bytes.fromhex("64FEFFFF") + bytes(5))
    assert info.value.code == -412


# --- encoding mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", PLAIN, ids=lambda c: c.id)
def test_role_mistakes(case: Case) -> None:
    client, server = case.framing(), case.framing(server=True)
    with pytest.raises(EncodeError):
        client.encode_error(-404)
    with pytest.raises(EncodeError):
        client.encode_quick_ack(0x80000000)
    with pytest.raises(EncodeError):
        server.encode_error(404)
    with pytest.raises(EncodeError):
        server.encode_quick_ack(0x12345678)
    if case.framing is not Full:
        with pytest.raises(EncodeError):
            server.encode(bytes(8), quick_ack=True)


@pytest.mark.parametrize("framing", [Abridged, Intermediate, Full])
def test_unaligned_payload(framing: type[Abridged]) -> None:
    with pytest.raises(EncodeError, match="multiple of 4"):
        framing().encode(bytes(5))


def test_full_has_no_quick_ack_tokens() -> None:
    with pytest.raises(EncodeError):
        Full(server=True).encode_quick_ack(0x80000000)


def test_obfuscation_arguments() -> None:
    with pytest.raises(ValueError):
        Obfuscated(Full())
    with pytest.raises(ValueError):
        Obfuscated(Intermediate(server=True))
    with pytest.raises(ValueError):
        Obfuscated(Intermediate(), secret=bytes(15))
    with pytest.raises(ValueError):
        Obfuscated(Intermediate(), dc_id=40000)
    with pytest.raises(ValueError):
        Abridged(max_packet=0)


GOOD = bytes(range(1, 65))


@pytest.mark.parametrize(
    "bad_start",
    [
        b"\xef\x01\x02\x03",
        b"HEAD",
        b"POST",
        b"GET ",
        b"OPTI",
        bytes.fromhex("16030102"),
        b"\xdd" * 4,
        b"\xee" * 4,
    ],
)
def test_forbidden_init_is_redrawn(bad_start: bytes) -> None:
    draws = [bad_start + GOOD[4:], GOOD]
    init = make_init(b"\xee" * 4, random=lambda n: draws.pop(0))
    assert init[:56] == GOOD[:56]
    assert not draws


def test_forbidden_zero_second_int_is_redrawn() -> None:
    draws = [GOOD[:4] + bytes(4) + GOOD[8:], GOOD]
    assert make_init(b"\xef" * 4, random=lambda n: draws.pop(0))[:56] == GOOD[:56]
    with pytest.raises(ValueError):
        make_init(b"\xef" * 4, random=lambda n: b"\xef" * n)


def test_unpad() -> None:
    plain = bytes(8) + bytes(range(8)) + (8).to_bytes(4, "little") + bytes(range(8))
    assert unpad(plain + bytes(7)) == plain
    encrypted = b"\x01" * 24 + bytes(32)
    assert unpad(encrypted + bytes(15)) == encrypted
    with pytest.raises(TransportError):
        unpad(bytes(20))
    with pytest.raises(TransportError):
        unpad(plain[:-4] + bytes(2))
