"""Hostile input at every step of both roles: random, prefixed, mutated and truncated packets.

Whatever arrives, ``receive()`` either answers normally or raises HandshakeError (and the object is then
failed); IndexError, struct.error, ValueError, OverflowError, MemoryError, ... never escape.
"""

from __future__ import annotations

import copy
import struct
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake import (
    ClientHandshake,
    HandshakeResult,
    ServerHandshake,
    ServerHandshakeResult,
    TransportReject,
)
from tgfleet.mtproto.plain import pack_plain
from tgfleet.tl import mtproto as mt

from ...crypto.helpers import seeded
from .helpers import KEY, NOW, HandClient, HandServer

_IDS = [
    cls.CONSTRUCTOR_ID
    for cls in (
        mt.ReqPqMulti,
        mt.ReqPq,
        mt.ReqDHParams,
        mt.SetClientDHParams,
        mt.ResPQ,
        mt.ServerDHParamsOk,
        mt.ServerDHParamsFail,
        mt.DhGenOk,
        mt.DhGenRetry,
        mt.DhGenFail,
    )
]
STAGES = ("first", "second", "third")


@cache
def server_at(stage: str) -> tuple[ServerHandshake, bytes]:
    """A server waiting for its first, second or third request, and a valid such request."""
    server = ServerHandshake(KEY, dc_id=2, random=seeded(101))
    if stage == "first":
        return server, pack_plain(4, mt.ReqPqMulti(nonce=bytes(range(16))).to_bytes())
    hand = HandClient(server, seed=102)
    if stage == "second":
        return server, hand.req_dh_params()
    hand.through_dh()
    return server, hand.set_client_dh_params()


@cache
def client_at(stage: str) -> tuple[ClientHandshake, bytes]:
    """A client waiting for its first, second or third answer, and a valid such answer."""
    client = ClientHandshake(2, [KEY.public], random=seeded(103))
    hand = HandServer(client, seed=104)
    if stage == "first":
        return client, hand.res_pq()
    hand.feed_res_pq()
    if stage == "second":
        return client, hand.dh_params_ok()
    hand.feed_dh_params()
    return client, hand.dh_gen(1)


def _prefixed(tail: bytes, cid: int, msg_id: int) -> bytes:
    return pack_plain(msg_id, struct.pack("<I", cid) + tail)


def hostile(valid: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, random bodies, known constructor ids with random fields, and mutations of ``valid``."""
    msg_ids = st.integers(-(1 << 63), (1 << 63) - 1)
    flips = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(1, 255)), min_size=1, max_size=4)

    def flipped(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(valid)
        for at, xor in changes:
            data[at] ^= xor
        return bytes(data)

    return st.one_of(
        st.binary(max_size=700),
        st.builds(pack_plain, msg_ids, st.binary(max_size=700)),
        st.builds(_prefixed, st.binary(max_size=700), st.sampled_from(_IDS), msg_ids),
        flips.map(flipped),
        st.integers(0, len(valid)).map(lambda n: valid[:n]),
        st.binary(min_size=1, max_size=64).map(lambda extra: valid + extra),
    )


def _feed(peer: Any, data: bytes) -> None:
    peer = copy.copy(peer)
    try:
        out = peer.receive(data, NOW)
    except HandshakeError:
        assert peer.state == "failed"
        return
    assert isinstance(out, (bytes, HandshakeResult, ServerHandshakeResult, TransportReject))


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("stage", STAGES)
def test_server_survives_hostile_packets(stage: str) -> None:
    server, valid = server_at(stage)

    @FUZZ
    @given(hostile(valid))
    def check(data: bytes) -> None:
        _feed(server, data)

    check()


@pytest.mark.parametrize("stage", STAGES)
def test_client_survives_hostile_packets(stage: str) -> None:
    client, valid = client_at(stage)

    @FUZZ
    @given(hostile(valid))
    def check(data: bytes) -> None:
        _feed(client, data)

    check()


@pytest.mark.parametrize("role", ["server", "client"])
@pytest.mark.parametrize("stage", STAGES)
def test_every_truncation_is_a_handshake_error(role: str, stage: str) -> None:
    peer, valid = server_at(stage) if role == "server" else client_at(stage)
    body = valid[20:]
    for n in range(len(valid)):
        with pytest.raises(HandshakeError):
            copy.copy(peer).receive(valid[:n], NOW)
    for n in range(len(body)):
        with pytest.raises(HandshakeError):
            copy.copy(peer).receive(pack_plain(4, body[:n]), NOW)


@pytest.mark.parametrize("role", ["server", "client"])
@pytest.mark.parametrize("stage", STAGES)
def test_the_valid_packet_is_accepted(role: str, stage: str) -> None:
    peer, valid = server_at(stage) if role == "server" else client_at(stage)
    out = copy.copy(peer).receive(valid, NOW)
    assert isinstance(out, (bytes, HandshakeResult, ServerHandshakeResult))
