"""The pre-authentication bound: before ``authenticated()`` a server accepts only handshake-sized payloads,
decided at the length field (or, for a known auth_key_id, at the payload's first 8 bytes); afterwards frames
up to ``max_packet``. ``buffered`` is what a partial frame holds."""

from __future__ import annotations

import os

import pytest

from tgfleet.errors import PacketTooLarge
from tgfleet.mtproto.transport import Abridged, Codec, Full, ServerTransport

from .transport_cases import ALL, IDS, Case, payload_of

BOUND = 64
KEY_ID = 0x1122334455667788
HELLO = bytes(24)


def _pair(case: Case, known_key: bool = False) -> tuple[Codec, ServerTransport]:
    """A client and a restricted server that has detected the transport from a 24-byte packet."""
    client = case.client()
    server = ServerTransport(
        secret=case.secret,
        max_packet=1 << 16,
        pre_auth_packet=BOUND,
        known_key=(lambda key_id: key_id == KEY_ID) if known_key else None,
    )
    (event,) = server.feed(client.encode(HELLO))
    assert payload_of(event, HELLO, case) == HELLO
    return client, server


def _length_end(case: Case, size: int) -> int:
    """Where a frame's length field ends (abridged: one byte for short frames)."""
    return 1 if case.framing is Abridged and size < 508 else 4


def _payload_start(case: Case, size: int) -> int:
    """Where a frame's payload starts (full: after the length and the sequence number)."""
    return 8 if case.framing is Full else _length_end(case, size)


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_a_long_frame_is_refused_at_its_length(case: Case) -> None:
    client, server = _pair(case)
    frame = client.encode(bytes(BOUND + 64))
    header = _length_end(case, BOUND + 64)
    assert server.feed(frame[: header - 1]) == []
    with pytest.raises(PacketTooLarge, match="before authentication"):
        server.feed(frame[header - 1 : header])


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_a_handshake_sized_frame_passes(case: Case) -> None:
    size = BOUND - (15 if case.padded else 0)  # padded intermediate adds up to 15 bytes of padding
    client, server = _pair(case)
    payload = os.urandom(size)
    (event,) = server.feed(client.encode(payload))
    assert payload_of(event, payload, case) == payload


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_a_long_frame_for_a_known_key_passes_any_other_is_refused_at_its_key_id(case: Case) -> None:
    client, server = _pair(case, known_key=True)
    good = KEY_ID.to_bytes(8, "little") + os.urandom(1000)
    (event,) = server.feed(client.encode(good))
    assert payload_of(event, good, case) == good
    frame = client.encode(bytes(8) + os.urandom(1000))  # a plaintext (handshake) message of 1 KB
    header = _payload_start(case, 1008)
    assert server.feed(frame[: header + 7]) == []
    with pytest.raises(PacketTooLarge, match="no known key"):
        server.feed(frame[header + 7 : header + 8])


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_authenticated_lifts_the_bound(case: Case) -> None:
    client, server = _pair(case)
    server.authenticated()
    payload = os.urandom(4000)
    (event,) = server.feed(client.encode(payload))
    assert payload_of(event, payload, case) == payload


def test_authenticated_before_detection_leaves_the_connection_unbounded() -> None:
    client, server = Case(Abridged).client(), ServerTransport(pre_auth_packet=BOUND)
    server.authenticated()
    (event,) = server.feed(client.encode(bytes(4000)))
    assert event == type(event)(bytes(4000))


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_buffered_counts_a_partial_frame(case: Case) -> None:
    client, server = _pair(case)
    frame = client.encode(bytes(48))
    assert server.buffered == 0
    assert server.feed(frame[:-5]) == []
    assert server.buffered == len(frame) - 5
    assert len(server.feed(frame[-5:])) == 1
    assert server.buffered == 0


def test_buffered_counts_undetected_bytes() -> None:
    server = ServerTransport()
    assert server.feed(os.urandom(10)) == []
    assert server.buffered == 10


@pytest.mark.parametrize("bound", [3, (1 << 16) + 1])
def test_a_bound_outside_4_to_max_packet_is_a_configuration_error(bound: int) -> None:
    with pytest.raises(ValueError, match="pre_auth_packet"):
        ServerTransport(max_packet=1 << 16, pre_auth_packet=bound)
