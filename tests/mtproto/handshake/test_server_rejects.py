"""The server role against a hand-driven client that tampers with one field at a time (docs/security.md checks 1-10).

Every case must raise HandshakeError (the sandbox answers -404 and closes), leave the server failed,
and make it refuse every later packet, even a valid one ("keeps answering -404"). A wrong dc is not an
error but a TransportReject(-444).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tgfleet.crypto.dh import DH_PRIME
from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake import ServerHandshake, ServerHandshakeResult, TransportReject
from tgfleet.mtproto.handshake import client_steps as cs
from tgfleet.mtproto.plain import pack_plain
from tgfleet.tl import mtproto as mt

from ...crypto.helpers import seeded
from .helpers import KEY, NOW, HandClient, body, packet

P = DH_PRIME


@dataclass(frozen=True)
class Case:
    stage: str  # "req_dh" (after resPQ) or "set_client" (after server_DH_params_ok)
    make: Callable[[HandClient], bytes]
    match: str


def _set(field: str, value: Any) -> Callable[[Any], None]:
    return lambda obj: setattr(obj, field, value)


def _be(n: int) -> bytes:
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def _swap_p_q(req: Any) -> None:
    req.p, req.q = req.q, req.p


def _flip(field: str, at: int) -> Callable[[Any], None]:
    def mutate(obj: Any) -> None:
        data = bytearray(getattr(obj, field))
        data[at] ^= 0x40
        setattr(obj, field, bytes(data))

    return mutate


def _wrong_inner(c: HandClient) -> bytes:
    inner = mt.ClientDHInnerData(nonce=c.nonce, server_nonce=c.step.server_nonce, retry_id=0, g_b=b"\x01")
    return c.req_dh_params(inner=inner)


def _temp(expires_in: int) -> Callable[[HandClient], bytes]:
    return lambda c: c.req_dh_params(inner=cs.make_inner_data(c.step, c.nonce, c.new_nonce, 2, expires_in))


CASES: dict[str, Case] = {
    # req_DH_params (steps 4-5)
    "nonce": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("nonce", bytes(16))), "nonce"),
    "server_nonce": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("server_nonce", bytes(16))), "nonce"),
    "p * q != pq": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("p", _be(c.step.p + 2))), r"p \* q != pq"),
    "p > q": Case("req_dh", lambda c: c.req_dh_params(mutate=_swap_p_q), "not smaller"),
    "p = 1, q = pq": Case(
        "req_dh", lambda c: c.req_dh_params(mutate=lambda r: (_set("p", b"\x01")(r), _set("q", c.step.pq)(r))), "p = 1"
    ),
    "p 9 bytes": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("p", b"\x01" * 9)), "p must be 1..8"),
    "q empty": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("q", b"")), "q must be 1..8"),
    "unknown fingerprint": Case(
        "req_dh", lambda c: c.req_dh_params(mutate=_set("public_key_fingerprint", 77)), "0x000000000000004d"
    ),
    "encrypted_data flipped": Case("req_dh", lambda c: c.req_dh_params(mutate=_flip("encrypted_data", 100)), "neither"),
    "encrypted_data 257 bytes": Case(
        "req_dh", lambda c: c.req_dh_params(mutate=_set("encrypted_data", b"\x01" * 257)), "1..256"
    ),
    "encrypted_data empty": Case("req_dh", lambda c: c.req_dh_params(mutate=_set("encrypted_data", b"")), "1..256"),
    "encrypted_data >= n": Case(
        "req_dh", lambda c: c.req_dh_params(mutate=_set("encrypted_data", b"\xff" * 256)), "modulus"
    ),
    "inner nonce": Case("req_dh", lambda c: c.req_dh_params(mutate_inner=_set("nonce", bytes(16))), "nonce"),
    "inner server_nonce": Case(
        "req_dh", lambda c: c.req_dh_params(mutate_inner=_set("server_nonce", bytes(16))), "nonce"
    ),
    "inner pq": Case("req_dh", lambda c: c.req_dh_params(mutate_inner=_set("pq", _be(c.step.p * 3))), "pq, p or q"),
    "inner p": Case("req_dh", lambda c: c.req_dh_params(mutate_inner=_set("p", _be(c.step.p + 2))), r"p \* q"),
    "inner q 9 bytes": Case("req_dh", lambda c: c.req_dh_params(mutate_inner=_set("q", b"\x01" * 9)), "q must be"),
    "inner of another type": Case("req_dh", _wrong_inner, "expected p_q_inner_data_dc or"),
    "temp expires_in 0": Case("req_dh", _temp(0), "positive"),
    "temp expires_in < 0": Case("req_dh", _temp(-5), "positive"),
    "req_dh trailing bytes": Case("req_dh", lambda c: pack_plain(4, c.req_dh_params()[20:] + bytes(4)), "trailing"),
    "req_dh truncated": Case("req_dh", lambda c: c.req_dh_params()[:-4], "malformed"),
    "set_client_DH_params too early": Case(
        "req_dh",
        lambda c: packet(
            mt.SetClientDHParams(nonce=c.nonce, server_nonce=c.step.server_nonce, encrypted_data=bytes(336))
        ),
        "set_client_DH_params in state wait_req_dh_params",
    ),
    "huge packet": Case("req_dh", lambda c: pack_plain(4, bytes(5000)), "exceeds"),
    # set_client_DH_params (step 7)
    "set nonce": Case("set_client", lambda c: c.set_client_dh_params(mutate=_set("nonce", bytes(16))), "nonce"),
    "set server_nonce": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate=_set("server_nonce", bytes(16))), "nonce"
    ),
    "client inner nonce": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("nonce", bytes(16))), "inner_data nonce"
    ),
    "client inner server_nonce": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("server_nonce", bytes(16))), "inner_data"
    ),
    "bad SHA1": Case("set_client", lambda c: c.set_client_dh_params(hash_ok=False), "SHA1"),
    "encrypted flipped": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate=_flip("encrypted_data", 50)), "SHA1"
    ),
    "encrypted 17 bytes": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate=_set("encrypted_data", bytes(17))), "16..1024"
    ),
    "encrypted too long": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate=_set("encrypted_data", bytes(1040))), "16..1024"
    ),
    "g_b = 1": Case("set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("g_b", b"\x01")), "g_b"),
    "g_b = p - 1": Case("set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("g_b", _be(P - 1))), "g_b"),
    "g_b = 2^1984": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("g_b", _be(1 << 1984))), "g_b"
    ),
    "g_b = p + 1": Case("set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("g_b", _be(P + 1))), "g_b"),
    "g_b 257 bytes": Case(
        "set_client", lambda c: c.set_client_dh_params(mutate_inner=_set("g_b", b"\x01" * 257)), "g_b"
    ),
    "req_DH_params again, changed": Case("set_client", lambda c: c.req_dh_params(dc=-2), "state"),
    "resPQ sent to the server": Case(
        "set_client",
        lambda c: packet(
            mt.ResPQ(nonce=c.nonce, server_nonce=bytes(16), pq=b"\x0f", server_public_key_fingerprints=[])
        ),
        "expected req_pq_multi",
    ),
}


def _server_at(stage: str) -> tuple[ServerHandshake, HandClient]:
    server = ServerHandshake(KEY, dc_id=2, random=seeded(81))
    client = HandClient(server, seed=82)
    if stage == "set_client":
        client.through_dh()
    return server, client


@pytest.mark.parametrize("name", list(CASES))
def test_server_rejects(name: str) -> None:
    case = CASES[name]
    server, client = _server_at(case.stage)
    tampered = case.make(client)
    with pytest.raises(HandshakeError, match=case.match):
        server.receive(tampered, NOW)
    assert server.state == "failed"
    with pytest.raises(HandshakeError, match="already failed"):
        server.receive(packet(mt.ReqPqMulti(nonce=bytes(16))), NOW)


def test_the_untampered_hand_client_is_accepted() -> None:
    server, client = _server_at("set_client")
    assert isinstance(server.receive(client.set_client_dh_params(), NOW), ServerHandshakeResult)


@pytest.mark.parametrize(
    ("server_dc", "test_mode", "client_dc"),
    [(2, False, 3), (2, False, 10002), (2, True, 2), (2, True, -2), (2, False, -3), (2, False, 0)],
    ids=str,
)
def test_wrong_dc_is_transport_error_444(server_dc: int, test_mode: bool, client_dc: int) -> None:
    server = ServerHandshake(KEY, dc_id=server_dc, test_mode=test_mode, random=seeded(91))
    client = HandClient(server, seed=92)
    reply = server.receive(client.req_dh_params(dc=client_dc), NOW)
    assert isinstance(reply, TransportReject) and reply.code == -444
    assert str(client_dc) in reply.reason
    assert server.state == "failed"


def test_wrong_retry_id_gets_dh_gen_fail() -> None:
    server, client = _server_at("set_client")
    reply = server.receive(client.set_client_dh_params(retry_id=12345), NOW)
    assert isinstance(reply, bytes)
    answer = body(reply)
    assert isinstance(answer, mt.DhGenFail)
    with pytest.raises(HandshakeError, match="dh_gen_fail"):
        cs.check_dh_gen(answer, client.nonce, client.step.server_nonce, client.new_nonce, client.auth_key)
    assert server.state == "failed"


def test_key_for_another_server_is_rejected() -> None:
    other = RsaPrivateKey.generate()
    server = ServerHandshake(other, dc_id=2, random=seeded(93))
    res = body(server.receive(packet(mt.ReqPqMulti(nonce=bytes(16))), NOW))
    with pytest.raises(HandshakeError, match="is a key we know"):
        cs.check_res_pq(res, bytes(16), [KEY.public])


@pytest.mark.parametrize(
    "kwargs",
    [{"dc_id": 0}, {"private_keys": []}, {"dh_prime": P >> 1}, {"g": 1}, {"g": P - 1}],
    ids=str,
)
def test_bad_configuration_is_a_value_error(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"private_keys": KEY, "dc_id": 2, **kwargs}
    with pytest.raises(ValueError):
        ServerHandshake(**args)
