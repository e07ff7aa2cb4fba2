"""Tampering and hostile input: every bad message is refused with a typed error and changes nothing."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey, encrypt_message
from tgfleet.errors import DecodeError, SecurityError
from tgfleet.mtproto.session import (
    Call,
    ClientSession,
    NewSession,
    Result,
    ServerSalts,
    ServerSession,
    SessionCreated,
)
from tgfleet.tl import functions
from tgfleet.tl import mtproto as mt

from .helpers import (
    NOW,
    Pair,
    client_fingerprint,
    client_message,
    container,
    msg_id_at,
    seeded,
    server_fingerprint,
    server_message,
)

TYPED = (SecurityError, DecodeError)


def _exchange() -> tuple[Pair, bytes, bytes]:
    """A pair after one call; returns the client's request bytes and the server's answer bytes."""
    pair = Pair(seed=8)
    pair.client.send(functions.help.GetNearestDc())
    request = pair.client.data_to_send(NOW) or b""
    pair.to_server(request)
    answer = pair.servers[pair.client.session_id].data_to_send(NOW) or b""
    return pair, request, answer


PAIR, REQUEST, ANSWER = _exchange()


def _fresh_client() -> ClientSession:
    """A copy of the client state just before the answer arrives."""
    return _exchange()[0].client


def _server() -> ServerSession:
    """A server session of the exchange's key and session, before the request arrives."""
    return Pair(seed=8).server(PAIR.client.session_id)


def _client_unchanged(client: ClientSession) -> None:
    """``client`` (a fresh client that was given something to refuse) still takes the real answer, and then
    is exactly where a fresh client is after the real answer alone."""
    twin = _fresh_client()
    assert [type(e) for e in client.receive(ANSWER, NOW)] == [NewSession, Result]
    assert [type(e) for e in twin.receive(ANSWER, NOW)] == [NewSession, Result]
    assert client_fingerprint(client, NOW) == client_fingerprint(twin, NOW)


def _server_unchanged(server: ServerSession) -> None:
    """The same for a server session: it takes the real request as a fresh one does, and ends in its state."""
    twin = _server()
    events = server.receive(REQUEST, NOW)
    assert [type(e) for e in events] == [SessionCreated, Call] and events == twin.receive(REQUEST, NOW)
    assert server_fingerprint(server, NOW) == server_fingerprint(twin, NOW)


@settings(max_examples=200, deadline=None)
@given(bit=st.integers(0, len(ANSWER) * 8 - 1))
def test_client_rejects_any_flipped_bit(bit: int) -> None:
    client = _fresh_client()
    tampered = bytearray(ANSWER)
    tampered[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(SecurityError):
        client.receive(bytes(tampered), NOW)
    _client_unchanged(client)


@settings(max_examples=200, deadline=None)
@given(bit=st.integers(0, len(REQUEST) * 8 - 1))
def test_server_rejects_any_flipped_bit(bit: int) -> None:
    server = _server()
    tampered = bytearray(REQUEST)
    tampered[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(SecurityError):
        server.receive(bytes(tampered), NOW)
    _server_unchanged(server)


@pytest.mark.parametrize("size", [0, 1, 8, 24, 39, 40, 56, len(ANSWER) - 16, len(ANSWER) - 1])
def test_truncated_messages_are_rejected(size: int) -> None:
    client = _fresh_client()
    with pytest.raises(SecurityError):
        client.receive(ANSWER[:size], NOW)
    _client_unchanged(client)


def test_replays_are_ignored_in_both_roles() -> None:
    client, twin = _fresh_client(), _fresh_client()
    assert client.receive(ANSWER, NOW) and twin.receive(ANSWER, NOW)
    assert client.receive(ANSWER, NOW) == []
    assert client_fingerprint(client, NOW) == client_fingerprint(twin, NOW)
    server, server_twin = _server(), _server()
    assert server.receive(REQUEST, NOW) and server_twin.receive(REQUEST, NOW)
    assert server.receive(REQUEST, NOW) == []
    assert server_fingerprint(server, NOW) == server_fingerprint(server_twin, NOW)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_give_typed_errors_only(data: bytes) -> None:
    client = ClientSession(PAIR.key, random=seeded(1))
    server = ServerSession(PAIR.key, 1, salts=ServerSalts(random=seeded(2)))
    for receive in (client.receive, server.receive):
        with pytest.raises(TYPED):
            receive(data, NOW)


def _plaintext(session_id: int, msg_id: int, seqno: int, body: bytes, length: int | None, padding: int) -> bytes:
    head = struct.pack("<qqqii", 0, session_id, msg_id, seqno, len(body) if length is None else length)
    return head + body + bytes(padding)


@pytest.mark.parametrize(
    ("length", "padding", "problem"),
    [(-4, 16, "negative"), (2, 16, "divisible"), (None, 1040, "padding"), (None, 0, "padding"), (64, 16, "padding")],
)
def test_length_and_padding_bounds(length: int | None, padding: int, problem: str) -> None:
    client = ClientSession(PAIR.key, random=seeded(1))
    body = bytes(16)
    plain = _plaintext(client.session_id, msg_id_at(NOW, 1), 1, body, length, padding)
    plain += bytes(-len(plain) % 16)
    with pytest.raises(SecurityError, match=problem):
        client.receive(encrypt_message(AuthKey(PAIR.key), plain, X_SERVER), NOW)


def test_even_server_msg_id_is_rejected() -> None:
    client = ClientSession(PAIR.key, random=seeded(1))
    with pytest.raises(SecurityError, match="even"):
        client.receive(server_message(client, bytes(8), NOW, msg_id=msg_id_at(NOW, 0)), NOW)
    with pytest.raises(SecurityError, match="even"):
        body = container([(msg_id_at(NOW - 1, 2), 1, bytes(8))])
        client.receive(server_message(client, body, NOW), NOW)


# --- authenticated but hostile content: passes msg_key, must still only raise typed errors -----------

_NEAR = msg_id_at(NOW)
_BODIES = [
    mt.RpcResult(req_msg_id=_NEAR, result=mt.RpcError(error_code=400, error_message="X")).to_bytes(),
    mt.BadMsgNotification(bad_msg_id=_NEAR, bad_msg_seqno=1, error_code=16).to_bytes(),
    mt.BadServerSalt(bad_msg_id=_NEAR, bad_msg_seqno=1, error_code=48, new_server_salt=1).to_bytes(),
    mt.NewSessionCreated(first_msg_id=_NEAR, unique_id=1, server_salt=2).to_bytes(),
    mt.MsgsAck(msg_ids=[_NEAR]).to_bytes(),
    mt.MsgsStateReq(msg_ids=[_NEAR, _NEAR + 1]).to_bytes(),
    mt.MsgResendReq(msg_ids=[_NEAR]).to_bytes(),
    mt.MsgDetailedInfo(msg_id=_NEAR, answer_msg_id=_NEAR + 1, bytes=4, status=0).to_bytes(),
    mt.Ping(ping_id=1).to_bytes(),
    mt.GetFutureSalts(num=3).to_bytes(),
    mt.RpcDropAnswer(req_msg_id=_NEAR).to_bytes(),
    mt.GzipPacked(packed_data=b"\x1f\x8b garbage").to_bytes(),
    functions.help.GetNearestDc().to_bytes(),
    bytes.fromhex("15c4b51c01000000"),  # a Vector, not a function
]
_ids = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(_NEAR - 64, _NEAR + 64))
_body = st.one_of(st.binary(max_size=40), st.sampled_from(_BODIES))
_items = st.lists(st.tuples(_ids, st.integers(-(2**31), 2**31 - 1), _body), max_size=4)


@settings(max_examples=400, deadline=None)
@given(body=_body, items=_items, wrap=st.booleans(), seqno=st.integers(0, 9), cut=st.integers(0, 8))
def test_hostile_authenticated_bodies(
    body: bytes, items: list[tuple[int, int, bytes]], wrap: bool, seqno: int, cut: int
) -> None:
    if wrap:
        body = container([(m, s, b + bytes(-len(b) % 4)) for m, s, b in items])
    body = body[: len(body) - cut]
    body += bytes(-len(body) % 4)
    client = ClientSession(PAIR.key, random=seeded(1))
    client.send(functions.help.GetNearestDc())
    client.data_to_send(NOW)
    try:
        client.receive(server_message(client, body, NOW, seqno=seqno, msg_id=msg_id_at(NOW + 1, 1)), NOW)
        while client.data_to_send(NOW, flush_acks=True) is not None:
            pass
    except TYPED:
        pass
    server = ServerSession(PAIR.key, 1, salts=ServerSalts(random=seeded(2)))
    try:
        server.receive(client_message(PAIR.key, 1, _NEAR + 4096, seqno, body, server.salts.current(NOW)), NOW)
        while server.data_to_send(NOW) is not None:
            pass
    except TYPED:
        pass


def test_wrong_direction_is_rejected() -> None:
    """A client message reflected back to the client (x = 0 instead of 8) fails the msg_key check."""
    client = ClientSession(PAIR.key, random=seeded(1))
    reflected = client_message(PAIR.key, client.session_id, msg_id_at(NOW, 1), 1, bytes(8))
    with pytest.raises(SecurityError, match="msg_key"):
        client.receive(reflected, NOW)
    assert X_CLIENT != X_SERVER
