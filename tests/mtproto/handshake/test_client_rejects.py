"""The client role against a hand-driven server that tampers with one field at a time (docs/security.md checks 1-10).

Every case must end in HandshakeError (never IndexError, struct.error, ValueError, ...), leave the client
failed, and make it refuse anything later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tgfleet.crypto.dh import DH_PRIME
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake import ClientHandshake, ServerHandshake
from tgfleet.mtproto.handshake.common import signed64
from tgfleet.mtproto.handshake.server_steps import open_client_dh
from tgfleet.mtproto.plain import pack_plain
from tgfleet.tl import mtproto as mt

from ...crypto.helpers import seeded
from .helpers import KEY, NOW, HandServer, body, packet, run_pair

P = DH_PRIME
EDGE = 1 << (2048 - 64)


@dataclass(frozen=True)
class Case:
    stage: str  # the client state the tampered packet arrives in
    make: Callable[[HandServer], bytes]
    match: str


def _set(field: str, value: Any) -> Callable[[Any], None]:
    return lambda obj: setattr(obj, field, value)


def _g_a(value: int) -> Callable[[Any], None]:
    return _set("g_a", value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def _body_of(obj: Any, extra: bytes = b"") -> bytes:
    return pack_plain(4, obj.to_bytes() + extra)


CASES: dict[str, Case] = {
    # resPQ (steps 1-3)
    "res_pq wrong nonce": Case("res_pq", lambda s: s.res_pq(_set("nonce", bytes(16))), "resPQ nonce"),
    "unknown fingerprints": Case(
        "res_pq", lambda s: s.res_pq(_set("server_public_key_fingerprints", [123, -1])), r"\[0x000000000000007b, 0xf"
    ),
    "no fingerprints": Case("res_pq", lambda s: s.res_pq(_set("server_public_key_fingerprints", [])), "fingerprints"),
    "pq prime": Case("res_pq", lambda s: s.res_pq(_set("pq", (2_147_483_647).to_bytes(4, "big"))), "prime"),
    "pq square": Case("res_pq", lambda s: s.res_pq(_set("pq", (s.p * s.p).to_bytes(8, "big"))), "square"),
    "pq three primes": Case(
        "res_pq", lambda s: s.res_pq(_set("pq", (1_000_003 * 1_000_033 * 1_000_037).to_bytes(8, "big"))), "pq"
    ),
    "pq even": Case("res_pq", lambda s: s.res_pq(_set("pq", (2 * s.q).to_bytes(8, "big"))), "even"),
    "pq 9 bytes": Case("res_pq", lambda s: s.res_pq(_set("pq", b"\x01" * 9)), "pq must be 1..8"),
    "pq empty": Case("res_pq", lambda s: s.res_pq(_set("pq", b"")), "pq must be 1..8"),
    "res_pq wrong constructor": Case(
        "res_pq",
        lambda s: packet(mt.DhGenOk(nonce=s.nonce, server_nonce=bytes(16), new_nonce_hash1=bytes(16))),
        "resPQ",
    ),
    "res_pq trailing bytes": Case("res_pq", lambda s: _body_of(body(s.res_pq()), b"\0\0\0\0"), "trailing"),
    "res_pq truncated body": Case("res_pq", lambda s: pack_plain(4, body(s.res_pq()).to_bytes()[:-3]), "malformed"),
    "res_pq encrypted": Case("res_pq", lambda s: b"\x01" + s.res_pq()[1:], "auth_key_id"),
    "res_pq truncated packet": Case("res_pq", lambda s: s.res_pq()[:-1], "malformed"),
    "res_pq huge packet": Case("res_pq", lambda s: s.res_pq() + bytes(5000), "exceeds"),
    # server_DH_params_ok (step 6)
    "server_DH_params_fail": Case(
        "dh_params",
        lambda s: packet(mt.ServerDHParamsFail(nonce=s.nonce, server_nonce=s.server_nonce, new_nonce_hash=bytes(16))),
        "server_DH_params_fail",
    ),
    "outer nonce": Case("dh_params", lambda s: s.dh_params_ok(mutate=_set("nonce", bytes(16))), "nonce"),
    "outer server_nonce": Case("dh_params", lambda s: s.dh_params_ok(mutate=_set("server_nonce", bytes(16))), "nonce"),
    "inner nonce": Case("dh_params", lambda s: s.dh_params_ok(_set("nonce", bytes(16))), "inner_data nonce"),
    "inner server_nonce": Case("dh_params", lambda s: s.dh_params_ok(_set("server_nonce", bytes(16))), "inner_data"),
    "bad SHA1": Case("dh_params", lambda s: s.dh_params_ok(hash_ok=False), "SHA1"),
    "answer corrupted": Case(
        "dh_params",
        lambda s: s.dh_params_ok(mutate=lambda o: setattr(o, "encrypted_answer", o.encrypted_answer[:-1] + b"\0")),
        "SHA1",
    ),
    "answer 17 bytes": Case(
        "dh_params", lambda s: s.dh_params_ok(mutate=_set("encrypted_answer", bytes(17))), "16..1024"
    ),
    "answer empty": Case("dh_params", lambda s: s.dh_params_ok(mutate=_set("encrypted_answer", b"")), "16..1024"),
    "answer too long": Case(
        "dh_params", lambda s: s.dh_params_ok(mutate=_set("encrypted_answer", bytes(1040))), "16..1024"
    ),
    "answer all zero": Case("dh_params", lambda s: s.dh_params_ok(mutate=_set("encrypted_answer", bytes(592))), "SHA1"),
    "dh_prime composite": Case(
        "dh_params", lambda s: s.dh_params_ok(_set("dh_prime", (P + 6).to_bytes(256, "big"))), "safe"
    ),
    "dh_prime = RSA modulus": Case(
        "dh_params",
        lambda s: s.dh_params_ok(
            lambda o: (setattr(o, "dh_prime", KEY.public.n.to_bytes(256, "big")), setattr(o, "g", 4))
        ),
        "safe",
    ),
    "dh_prime 2047 bits": Case(
        "dh_params", lambda s: s.dh_params_ok(_set("dh_prime", (P >> 1).to_bytes(256, "big"))), "2048"
    ),
    "dh_prime 255 bytes": Case("dh_params", lambda s: s.dh_params_ok(_set("dh_prime", bytes(255))), "256 bytes"),
    "g = 2": Case("dh_params", lambda s: s.dh_params_ok(_set("g", 2)), "g = 2"),
    "g = 5": Case("dh_params", lambda s: s.dh_params_ok(_set("g", 5)), "g = 5"),
    "g = 8": Case("dh_params", lambda s: s.dh_params_ok(_set("g", 8)), "g = 8"),
    "g = -1": Case("dh_params", lambda s: s.dh_params_ok(_set("g", -1)), "g = -1"),
    "g_a = 1": Case("dh_params", lambda s: s.dh_params_ok(_g_a(1)), "g_a"),
    "g_a = 2": Case("dh_params", lambda s: s.dh_params_ok(_g_a(2)), "g_a"),
    "g_a = 2^1984": Case("dh_params", lambda s: s.dh_params_ok(_g_a(EDGE)), "g_a"),
    "g_a = p - 2^1984": Case("dh_params", lambda s: s.dh_params_ok(_g_a(P - EDGE)), "g_a"),
    "g_a = p - 1": Case("dh_params", lambda s: s.dh_params_ok(_g_a(P - 1)), "g_a"),
    "g_a = p": Case("dh_params", lambda s: s.dh_params_ok(_g_a(P)), "g_a"),
    "g_a = 2^2048 - 1": Case("dh_params", lambda s: s.dh_params_ok(_g_a((1 << 2048) - 1)), "g_a"),
    "g_a empty": Case("dh_params", lambda s: s.dh_params_ok(_set("g_a", b"")), "g_a"),
    "g_a 257 bytes": Case("dh_params", lambda s: s.dh_params_ok(_set("g_a", b"\x01" * 257)), "g_a"),
    "dh_params wrong constructor": Case("dh_params", lambda s: s.res_pq(), "server_DH_params_ok"),
    # dh_gen_ok / retry / fail (step 9)
    "new_nonce_hash1": Case("dh_gen", lambda s: s.dh_gen(1, _set("new_nonce_hash1", bytes(16))), "new_nonce_hash1"),
    "new_nonce_hash2": Case("dh_gen", lambda s: s.dh_gen(2, _set("new_nonce_hash2", bytes(16))), "new_nonce_hash2"),
    "new_nonce_hash3": Case("dh_gen", lambda s: s.dh_gen(3, _set("new_nonce_hash3", bytes(16))), "new_nonce_hash3"),
    "dh_gen_fail": Case("dh_gen", lambda s: s.dh_gen(3), "dh_gen_fail"),
    "dh_gen nonce": Case("dh_gen", lambda s: s.dh_gen(1, _set("nonce", bytes(16))), "nonce"),
    "dh_gen server_nonce": Case("dh_gen", lambda s: s.dh_gen(1, _set("server_nonce", bytes(16))), "nonce"),
    "dh_gen hash of another key": Case(
        "dh_gen", lambda s: (setattr(s, "auth_key", AuthKey(bytes(255) + b"\x01")), s.dh_gen(1))[1], "new_nonce_hash1"
    ),
    "dh_gen wrong constructor": Case("dh_gen", lambda s: s.dh_params_ok(), "dh_gen_ok"),
}


def _client_at(stage: str) -> tuple[ClientHandshake, HandServer]:
    client = ClientHandshake(2, [KEY.public], random=seeded(51))
    server = HandServer(client, seed=52)
    if stage in ("dh_params", "dh_gen"):
        server.feed_res_pq()
    if stage == "dh_gen":
        server.feed_dh_params()
    return client, server


@pytest.mark.parametrize("name", list(CASES))
def test_client_rejects(name: str) -> None:
    case = CASES[name]
    client, server = _client_at(case.stage)
    tampered = case.make(server)
    with pytest.raises(HandshakeError, match=case.match):
        client.receive(tampered, NOW)
    assert client.state == "failed"
    with pytest.raises(HandshakeError, match="state failed"):
        client.receive(tampered, NOW)


def test_the_untampered_hand_server_is_accepted() -> None:
    client, server = _client_at("dh_gen")
    result = client.receive(server.dh_gen(1), NOW)
    assert not isinstance(result, bytes) and result.auth_key == server.auth_key.key


def test_dh_gen_retry_resends_with_the_aux_hash_as_retry_id() -> None:
    client, server = _client_at("dh_gen")
    first_key = server.auth_key
    again = client.receive(server.dh_gen(2), NOW)
    assert isinstance(again, bytes)
    request = body(again)
    retry_id, _ = open_client_dh(
        request, nonce=server.nonce, server_nonce=server.server_nonce, new_nonce=server.new_nonce, dh_prime=P
    )
    assert retry_id == signed64(first_key.aux_hash)
    server.take_client_dh(request)
    assert server.auth_key != first_key
    result = client.receive(server.dh_gen(1), NOW)
    assert not isinstance(result, bytes) and result.auth_key == server.auth_key.key


def test_endless_key_collisions_end_in_dh_gen_fail() -> None:
    client = ClientHandshake(2, [KEY.public], random=seeded(61))
    server = ServerHandshake(KEY, dc_id=2, random=seeded(62), key_exists=lambda _: True)
    with pytest.raises(HandshakeError, match="dh_gen_fail"):
        run_pair(client, server)
    assert server.state == "failed"


def test_start_twice_and_receive_before_start() -> None:
    client = ClientHandshake(2, [KEY.public], random=seeded(71))
    with pytest.raises(HandshakeError):
        client.receive(b"", NOW)
    client = ClientHandshake(2, [KEY.public], random=seeded(71))
    client.start(NOW)
    with pytest.raises(HandshakeError, match="start"):
        client.start(NOW)


@pytest.mark.parametrize(
    "kwargs",
    [{"dc_id": 0}, {"dc_id": 10_000}, {"public_keys": []}, {"temp_expires_in": 0}, {"temp_expires_in": 1 << 31}],
    ids=str,
)
def test_bad_configuration_is_a_value_error(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"dc_id": 2, "public_keys": [KEY.public], **kwargs}
    with pytest.raises(ValueError):
        ClientHandshake(**args)
