"""Client and server roles wired together in memory: current forms, temp keys, legacy forms, retry, resends."""

from __future__ import annotations

import pytest

from tgfleet.crypto.dh import factorize_pq
from tgfleet.crypto.kdf import first_server_salt
from tgfleet.crypto.rsa import RsaPrivateKey, legacy_encrypt, rsa_pad_encrypt
from tgfleet.mtproto.handshake import (
    ClientHandshake,
    HandshakeResult,
    ServerHandshake,
    ServerHandshakeResult,
)
from tgfleet.mtproto.handshake import client_steps as cs
from tgfleet.mtproto.handshake.server_steps import make_pq
from tgfleet.tl import mtproto as mt

from ...crypto.helpers import seeded
from .helpers import KEY, NOW, HandClient, body, packet, run_pair


@pytest.mark.parametrize("seed", range(6))
def test_current_forms(seed: int) -> None:
    client = ClientHandshake(2, [KEY.public], random=seeded(seed))
    server = ServerHandshake([KEY], dc_id=2, random=seeded(1000 + seed))
    mine, theirs = run_pair(client, server, skew=-12.5)
    assert mine.auth_key == theirs.auth_key and len(mine.auth_key) == 256
    assert mine.auth_key_id == theirs.auth_key_id
    assert mine.server_salt == theirs.server_salt
    assert mine.time_offset == pytest.approx(12.5, abs=1.0)
    assert theirs.dc == 2 and theirs.inner_data == "p_q_inner_data_dc"
    assert mine.expires_at is None and theirs.expires_in is None
    assert client.state == "done" and server.state == "done"


def test_os_urandom_and_several_server_keys() -> None:
    other = RsaPrivateKey.generate()
    for _ in range(2):
        mine, theirs = run_pair(ClientHandshake(4, [KEY.public]), ServerHandshake([other, KEY], dc_id=4))
        assert mine.auth_key == theirs.auth_key


@pytest.mark.parametrize(
    ("test_mode", "media", "dc"), [(True, False, 10002), (False, True, -2), (True, True, -10002)], ids=str
)
def test_test_mode_and_media_dc_ids(test_mode: bool, media: bool, dc: int) -> None:
    client = ClientHandshake(2, [KEY.public], test_mode=test_mode, media=media, random=seeded(7))
    assert client.dc == dc
    _, theirs = run_pair(client, ServerHandshake(KEY, dc_id=2, test_mode=test_mode, random=seeded(8)))
    assert theirs.dc == dc


@pytest.mark.parametrize("expires_in", [60, 86_400])
def test_temporary_keys(expires_in: int) -> None:
    client = ClientHandshake(1, [KEY.public], temp_expires_in=expires_in, random=seeded(expires_in))
    mine, theirs = run_pair(client, ServerHandshake(KEY, dc_id=1, random=seeded(3)))
    assert theirs.inner_data == "p_q_inner_data_temp_dc"
    assert mine.expires_in == theirs.expires_in == expires_in
    assert mine.expires_at == theirs.expires_at == int(NOW) + expires_in
    assert mine.auth_key == theirs.auth_key


LEGACY_CASES = [
    ("p_q_inner_data", legacy_encrypt, None),  # what Telethon 1.45 and Kurigram 2.2 send
    ("p_q_inner_data", rsa_pad_encrypt, None),
    ("p_q_inner_data_dc", legacy_encrypt, None),
    ("p_q_inner_data_temp", legacy_encrypt, 3600),
]


@pytest.mark.parametrize(("name", "encrypt", "expires_in"), LEGACY_CASES, ids=lambda x: getattr(x, "__name__", x))
def test_legacy_inner_data_and_rsa_scheme(name: str, encrypt: object, expires_in: int | None) -> None:
    server = ServerHandshake(KEY, dc_id=2, random=seeded(11))
    hand = HandClient(server, seed=12)
    step, nonce, new_nonce = hand.step, hand.nonce, hand.new_nonce
    common = {"pq": step.pq, "p": step.p.to_bytes(4, "big"), "q": step.q.to_bytes(4, "big"), "nonce": nonce}
    inner = {
        "p_q_inner_data": lambda: mt.PQInnerData(**common, server_nonce=step.server_nonce, new_nonce=new_nonce),
        "p_q_inner_data_dc": lambda: mt.PQInnerDataDc(
            **common, server_nonce=step.server_nonce, new_nonce=new_nonce, dc=2
        ),
        "p_q_inner_data_temp": lambda: mt.PQInnerDataTemp(
            **common, server_nonce=step.server_nonce, new_nonce=new_nonce, expires_in=expires_in
        ),
    }[name]()
    reply = server.receive(hand.req_dh_params(inner=inner, encrypt=encrypt), NOW)
    assert isinstance(reply, bytes)
    dh = hand.open_dh(reply)
    done = server.receive(hand.set_client_dh_params(), NOW)
    assert isinstance(done, ServerHandshakeResult)
    assert cs.check_dh_gen(body(done.reply), nonce, step.server_nonce, new_nonce, hand.auth_key) is True
    assert done.auth_key == hand.auth_key.key
    assert done.server_salt == first_server_salt(new_nonce, step.server_nonce)
    assert done.inner_data == name
    assert done.dc == (2 if name.endswith("_dc") else None)
    assert done.expires_in == expires_in
    assert dh.server_time == int(NOW)


def test_dh_gen_retry_when_the_key_id_collides() -> None:
    seen: list[int] = []

    def key_exists(key_id: int) -> bool:
        seen.append(key_id)
        return len(seen) == 1  # the first key "collides"

    client = ClientHandshake(2, [KEY.public], random=seeded(21))
    server = ServerHandshake(KEY, dc_id=2, random=seeded(22), key_exists=key_exists)
    mine, theirs = run_pair(client, server)
    assert len(seen) == 2 and seen[0] != seen[1]
    assert mine.auth_key == theirs.auth_key and mine.auth_key_id == seen[1]


def test_server_repeats_its_answer_to_an_identical_request() -> None:
    client = ClientHandshake(2, [KEY.public], random=seeded(31))
    server = ServerHandshake(KEY, dc_id=2, random=seeded(32))
    first = client.start(NOW)
    res_pq = server.receive(first, NOW)
    assert server.receive(first, NOW + 1) == res_pq
    assert isinstance(res_pq, bytes)
    req_dh = client.receive(res_pq, NOW)
    assert isinstance(req_dh, bytes)
    dh_ok = server.receive(req_dh, NOW)
    assert server.receive(req_dh, NOW + 1) == dh_ok
    assert isinstance(dh_ok, bytes)
    set_client = client.receive(dh_ok, NOW)
    assert isinstance(set_client, bytes)
    done = server.receive(set_client, NOW)
    assert isinstance(done, ServerHandshakeResult)
    assert server.receive(set_client, NOW + 1) == done.reply
    assert isinstance(client.receive(done.reply, NOW), HandshakeResult)


def test_server_answers_the_deprecated_req_pq_and_restarts_on_a_new_one() -> None:
    server = ServerHandshake(KEY, dc_id=2, random=seeded(41))
    for nonce in (b"\x01" * 16, b"\x02" * 16):
        res = body(server.receive(packet(mt.ReqPq(nonce=nonce)), NOW))
        assert isinstance(res, mt.ResPQ) and res.nonce == nonce
        assert res.server_public_key_fingerprints == [KEY.public.fingerprint]
        pq = int.from_bytes(res.pq, "big")
        p, q = factorize_pq(pq)
        assert pq < 1 << 63 and 1 << 30 <= p < q < 1 << 32
    mine, theirs = run_pair(ClientHandshake(2, [KEY.public], random=seeded(42)), server)
    assert mine.auth_key == theirs.auth_key


def test_many_pq_are_well_formed() -> None:
    random = seeded(5)
    for _ in range(200):
        p, q = make_pq(random)
        assert 1 << 30 <= p < q <= 3037000499 and p * q < 1 << 63


def test_fresh_randomness_gives_fresh_keys() -> None:
    keys = {run_pair(ClientHandshake(2, [KEY.public]), ServerHandshake(KEY, dc_id=2))[0].auth_key for _ in range(2)}
    assert len(keys) == 2
