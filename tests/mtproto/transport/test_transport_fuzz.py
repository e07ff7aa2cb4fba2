"""Hostile input: random and mutated bytes into every receiver; only TransportError ever comes out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.errors import TransportError
from tgfleet.mtproto.transport import (
    Abridged,
    Codec,
    Framing,
    Full,
    Intermediate,
    Obfuscated,
    Packet,
    PaddedIntermediate,
    QuickAck,
    ServerTransport,
)

from .transport_cases import ALL, IDS, Case, chunks, seeded

LIMIT = 1024
"""A small max_packet so random length fields land on both sides of it."""


def _framing(cls: type[Framing], server: bool) -> Callable[[], Codec]:
    return lambda: cls(server=server, max_packet=LIMIT)


def _obfuscated(cls: type[Framing]) -> Callable[[], Codec]:
    return lambda: Obfuscated(cls(max_packet=LIMIT), random=seeded(1))


RECEIVERS: dict[str, Callable[[], Codec]] = {
    **{
        f"{cls.NAME}-{'server' if server else 'client'}": _framing(cls, server)
        for cls in (Abridged, Intermediate, PaddedIntermediate, Full)
        for server in (False, True)
    },
    **{f"obfuscated-{cls.NAME}-client": _obfuscated(cls) for cls in (Abridged, Intermediate, PaddedIntermediate)},
    "detect-server": lambda: ServerTransport(max_packet=LIMIT),
    "detect-mtproxy-server": lambda: ServerTransport(max_packet=LIMIT, secret=bytes(16)),
}


def drive(codec: Codec, pieces: list[bytes]) -> None:
    """Feed every piece; events must be well-formed, errors must be TransportErrors (and sticky)."""
    try:
        for piece in pieces:
            for event in codec.feed(piece):
                assert isinstance(event, Packet | QuickAck)
                if isinstance(event, Packet):
                    assert 0 < len(event.payload) <= LIMIT
    except TransportError:
        with pytest.raises(TransportError):
            codec.next_event()


@pytest.mark.parametrize("name", list(RECEIVERS))
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=8))
def test_random_bytes(name: str, data: bytes, cuts: list[int]) -> None:
    drive(RECEIVERS[name](), chunks(data, cuts))


@pytest.mark.parametrize("name", list(RECEIVERS))
@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from([b"\xef", b"\xee" * 4, b"\xdd" * 4, bytes.fromhex("1000000000000000")]),
    data=st.binary(max_size=200),
)
def test_random_bytes_after_a_valid_tag(name: str, prefix: bytes, data: bytes) -> None:
    drive(RECEIVERS[name](), [prefix, data])


@pytest.mark.parametrize("case", ALL, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(6, 120), min_size=1, max_size=4),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), min_size=1, max_size=4),
    cuts=st.lists(st.integers(0, 2_000), max_size=6),
    upstream=st.booleans(),
)
def test_mutated_valid_streams(
    case: Case, sizes: list[int], flips: list[tuple[int, int]], cuts: list[int], upstream: bool
) -> None:
    client, server = case.pair(max_packet=LIMIT, random=seeded(len(sizes)))
    sender, receiver = (client, server) if upstream else (server, client)
    stream = bytearray(b"".join(sender.encode(bytes(4 * n)) for n in sizes))
    for where, mask in flips:
        stream[where % len(stream)] ^= mask
    drive(receiver, chunks(bytes(stream), cuts))
