"""Client encode -> server feed and back, for every transport, obfuscated or not, in random chunks."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tgfleet.mtproto.transport import Abridged, Full, Packet, QuickAck

from .transport_cases import ALL, IDS, Case, chunks, payload_of, seeded

SIZES = [24, 100, 500, 504, 508, 512, 1024, 4096, 70_000]
"""Bytes; 504 = 126*4 and 508 = 127*4 straddle abridged's one-byte/four-byte header boundary."""


def payloads(case: Case) -> list[bytes]:
    small = [] if case.padded else [8, 12, 16]  # padded frames under 20 bytes are control frames
    return [os.urandom(n) for n in small + SIZES]


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_client_to_server_all_sizes(case: Case) -> None:
    client, server = case.pair()
    sent = payloads(case)
    stream = b"".join(client.encode(p) for p in sent)
    events = server.feed(stream)
    assert [payload_of(e, p, case) for e, p in zip(events, sent, strict=True)] == sent


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_server_to_client_all_sizes(case: Case) -> None:
    client, server = case.pair()
    sent = payloads(case)
    stream = b"".join(server.encode(p) for p in sent)
    events = client.feed(stream)
    assert [payload_of(e, p, case) for e, p in zip(events, sent, strict=True)] == sent


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_byte_by_byte_both_ways(case: Case) -> None:
    client, server = case.pair()
    sent = [os.urandom(n) for n in (24, 504, 508)]
    up = b"".join(client.encode(p) for p in sent)
    down = b"".join(server.encode(p) for p in sent)
    got_up = [e for i in range(len(up)) for e in server.feed(up[i : i + 1])]
    got_down = [e for i in range(len(down)) for e in client.feed(down[i : i + 1])]
    assert [payload_of(e, p, case) for e, p in zip(got_up, sent, strict=True)] == sent
    assert [payload_of(e, p, case) for e, p in zip(got_down, sent, strict=True)] == sent


def test_abridged_header_boundary() -> None:
    assert Abridged().encode(bytes(504))[1:2] == bytes((126,))
    assert Abridged().encode(bytes(508))[1:5] == bytes.fromhex("7F7F0000")


@pytest.mark.parametrize("case", ALL, ids=IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_payloads_random_chunks(case: Case, data: st.DataObject) -> None:
    words = st.integers(min_value=6, max_value=700)
    sizes = data.draw(st.lists(words, min_size=1, max_size=6))
    sent = [data.draw(st.binary(min_size=4 * n, max_size=4 * n)) for n in sizes]
    client, server = case.pair(random=seeded(sum(sizes)))
    for sender, receiver in ((client, server), (server, client)):
        stream = b"".join(sender.encode(p) for p in sent)
        cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=12))
        events = [e for piece in chunks(stream, cuts) for e in receiver.feed(piece)]
        assert [payload_of(e, p, case) for e, p in zip(events, sent, strict=True)] == sent


# --- quick ACK -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_quick_ack_request_reaches_the_server(case: Case) -> None:
    client, server = case.pair()
    sent = [os.urandom(n) for n in (24, 508, 1024)]
    stream = b"".join(client.encode(p, quick_ack=True) for p in sent) + client.encode(sent[0])
    events = server.feed(stream)
    assert all(isinstance(e, Packet) for e in events)
    flags = [e.quick_ack for e in events if isinstance(e, Packet)]
    assert flags == [case.quick_acks] * 3 + [False]  # full has no quick ACK: the flag is ignored


@pytest.mark.parametrize("case", [c for c in ALL if c.quick_acks], ids=lambda c: c.id)
def test_quick_ack_token_reaches_the_client(case: Case) -> None:
    client, server = case.pair()
    tokens = [0x80000000, 0xFFFFFFFF, 0x80000000 | 0x12345678]
    reply = os.urandom(64)
    stream = b"".join(server.encode_quick_ack(t) for t in tokens) + server.encode(reply)
    events = client.feed(stream)
    assert events[:3] == [QuickAck(t) for t in tokens]
    assert payload_of(events[3], reply, case) == reply


def test_quick_ack_wire_formats() -> None:
    token = 0x80000000 | 0x01020304
    assert Abridged(server=True).encode_quick_ack(token) == bytes.fromhex("81020304")  # byte-swapped
    client = Abridged()
    assert client.encode(bytes(8), quick_ack=True) == bytes.fromhex("EF82") + bytes(8)
    assert client.encode(bytes(508), quick_ack=True)[:4] == bytes.fromhex("FF7F0000")


def test_full_seqno_counts_per_direction() -> None:
    client, server = Full(), Full(server=True)
    for i in range(5):
        assert server.feed(client.encode(bytes(8))) == [Packet(bytes(8))]
        assert server.recv_seq == i + 1
    assert client.send_seq == 5
    assert server.send_seq == 0
    assert client.feed(server.encode(bytes(8))) == [Packet(bytes(8))]
