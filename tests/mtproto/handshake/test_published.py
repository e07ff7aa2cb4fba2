"""The worked example of core.telegram.org/mtproto/samples-auth_key (docs/test-vectors.md §1), replayed.

The client role gets the example's randomness (nonce, new_nonce, RSA_PAD padding, b, the 12 padding
bytes) and msg_ids, is fed the published server packets, and must write the published packets byte for
byte. The RSA_PAD ``temp_key`` is not published, so the 256 encrypted bytes of req_DH_params are checked
by recomputing RSA_PAD here with our own temp_key. The server role's pure steps rebuild the published
server bodies.
"""

from __future__ import annotations

import hashlib

from tgfleet.crypto.aes import ige_encrypt
from tgfleet.crypto.dh import DH_PRIME
from tgfleet.crypto.kdf import AuthKey
from tgfleet.crypto.rsa import RsaPublicKey
from tgfleet.mtproto.handshake import ClientHandshake, HandshakeResult
from tgfleet.mtproto.handshake import server_steps as ss
from tgfleet.mtproto.msgid import CLIENT, MsgIdGenerator, msg_id_time
from tgfleet.tl import mtproto as mt

from ...crypto import vectors as v
from ...crypto.helpers import replay
from ...crypto.telegram_keys import TELEGRAM_KEYS
from .helpers import body

PRODUCTION = RsaPublicKey.from_pem(TELEGRAM_KEYS[0][2])
TEMP_KEY = bytes(range(32))
"""Our RSA_PAD temp_key (the published one is unknown); ``bytes(range(1, 33))`` would give a block >= n."""
IDS = (0x65C53D50000672D4, 0x65C53D50000672D8, 0x65C53D5100075C18)
"""The client msg_ids of the example (req_pq_multi, req_DH_params, set_client_DH_params)."""
NOW = msg_id_time(IDS[0])
NOW_DH = v.S1_SERVER_TIME + 0.75
"""Local clock when server_DH_params_ok arrives (the example does not say; any value works)."""

ZERO_KEY_ID = bytes(8)
RES_PQ_PACKET = v.S1_RES_PQ_PACKET[:16] + (80).to_bytes(4, "little") + v.S1_RES_PQ_PACKET[20:]
"""Erratum in [S1]: its resPQ length field says 0xA8 (168) but the body is 80 bytes."""
DH_GEN_OK_PACKET = v.S1_DH_GEN_OK_PACKET[:16] + (52).to_bytes(4, "little") + v.S1_DH_GEN_OK_PACKET[20:]
"""Same erratum in [S1]'s dh_gen_ok: the length field says 0x74 (116) but the body is 52 bytes."""
DH_PARAMS_OK_PACKET = (
    ZERO_KEY_ID
    + bytes.fromhex("014C6E1E513DC565")
    + (632).to_bytes(4, "little")
    + bytes.fromhex("5C07E8D0")
    + v.S1_NONCE
    + v.S1_SERVER_NONCE
    + bytes.fromhex("FE500200")
    + v.S1_ENCRYPTED_ANSWER
)
REQ_DH_PARAMS_HEAD = (
    ZERO_KEY_ID
    + bytes.fromhex("D8720600503DC56540010000BEE412D7")
    + v.S1_NONCE
    + v.S1_SERVER_NONCE
    + bytes.fromhex("045A300D4B000000046A26DB6500000085FD64DE851D9DD0FE000100")
)
SET_CLIENT_DH_PARAMS_PACKET = (
    ZERO_KEY_ID
    + bytes.fromhex("185C0700513DC565780100001F5F04F5")
    + v.S1_NONCE
    + v.S1_SERVER_NONCE
    + bytes.fromhex("FE500100")
    + v.S1_CLIENT_DH_ENCRYPTED
)


class PublishedIds(MsgIdGenerator):
    """Hands out the example's msg_ids (a float clock cannot hit them exactly: 2^62 needs 63-bit precision)."""

    def __init__(self) -> None:
        super().__init__(CLIENT)
        self.ids = list(IDS)

    def next(self, now: float, response: bool = False) -> int:
        return self.ids.pop(0)


def _rsa_pad_expected(temp_key: bytes) -> bytes:
    """RSA_PAD recomputed from its formulas for the published data + random_padding_bytes."""
    data_with_padding = v.S1_PQ_INNER_DATA + v.S1_RANDOM_PADDING
    data_with_hash = data_with_padding[::-1] + hashlib.sha256(temp_key + data_with_padding).digest()
    aes_encrypted = ige_encrypt(data_with_hash, temp_key, bytes(32))
    temp_key_xor = bytes(a ^ b for a, b in zip(temp_key, hashlib.sha256(aes_encrypted).digest(), strict=True))
    m = int.from_bytes(temp_key_xor + aes_encrypted, "big")
    assert m < PRODUCTION.n
    return pow(m, PRODUCTION.e, PRODUCTION.n).to_bytes(256, "big")


def _client(*temp_keys: bytes) -> tuple[ClientHandshake, list[bytes]]:
    chunks = [v.S1_NONCE, v.S1_NEW_NONCE, v.S1_RANDOM_PADDING, *temp_keys, v.S1_B, v.S1_CLIENT_DH_PADDING]
    queue = list(chunks)
    source = replay(*chunks)

    def random(n: int) -> bytes:
        queue.pop(0)
        return source(n)

    return ClientHandshake(2, [PRODUCTION], random=random, msg_ids=PublishedIds()), queue


def test_client_replays_the_published_example_byte_for_byte() -> None:
    client, unused = _client(TEMP_KEY)
    assert client.start(NOW) == v.S1_REQ_PQ_PACKET

    req_dh_params = client.receive(RES_PQ_PACKET, NOW)
    assert isinstance(req_dh_params, bytes)
    assert len(req_dh_params) == 20 + 320
    assert req_dh_params[: len(REQ_DH_PARAMS_HEAD)] == REQ_DH_PARAMS_HEAD
    assert req_dh_params[len(REQ_DH_PARAMS_HEAD) :] == _rsa_pad_expected(TEMP_KEY)

    set_client = client.receive(DH_PARAMS_OK_PACKET, NOW_DH)
    assert set_client == SET_CLIENT_DH_PARAMS_PACKET

    result = client.receive(DH_GEN_OK_PACKET, NOW_DH)
    assert isinstance(result, HandshakeResult)
    assert result.auth_key == v.S1_AUTH_KEY
    assert result.auth_key_id == v.S1_AUTH_KEY_ID
    assert result.server_salt == v.S1_SALT
    assert result.server_time == v.S1_SERVER_TIME
    assert result.time_offset == v.S1_SERVER_TIME - NOW_DH
    assert result.expires_in is None and result.expires_at is None
    assert client.state == "done"
    assert unused == []


def test_rsa_pad_draws_a_new_temp_key_while_the_block_is_not_below_the_modulus() -> None:
    client, unused = _client(bytes(range(1, 33)), TEMP_KEY)
    client.start(NOW)
    req_dh_params = client.receive(RES_PQ_PACKET, NOW)
    assert isinstance(req_dh_params, bytes)
    assert req_dh_params[-256:] == _rsa_pad_expected(TEMP_KEY)
    assert unused == [v.S1_B, v.S1_CLIENT_DH_PADDING]


def test_default_msg_ids_follow_the_published_clock() -> None:
    client = ClientHandshake(2, [PRODUCTION], random=replay(v.S1_NONCE))
    packet = client.start(NOW)
    msg_id = int.from_bytes(packet[8:16], "little")
    assert msg_id % 4 == 0
    assert abs(msg_id - IDS[0]) < 1 << 12  # a double carries 53 bits: 2^62 ticks are only ~2^10-exact
    assert packet[16:] == v.S1_REQ_PQ_PACKET[16:]


def test_server_steps_rebuild_the_published_res_pq() -> None:
    low = ss.PRIME_LOW
    p, q = ss.make_pq(replay((v.S1_Q - low).to_bytes(8, "big"), (v.S1_P - low).to_bytes(8, "big")))
    assert (p, q) == (v.S1_P, v.S1_Q)
    fingerprints = [int.from_bytes(v.S1_RES_PQ_PACKET[i : i + 8], "little", signed=True) for i in (76, 84, 92)]
    res = ss.make_res_pq(v.S1_NONCE, v.S1_SERVER_NONCE, p * q, fingerprints)
    assert res.to_bytes() == v.S1_RES_PQ_PACKET[20:]
    assert PRODUCTION.fingerprint in fingerprints


def test_server_steps_rebuild_the_published_encrypted_answer() -> None:
    answer = ss.make_dh_params_ok(
        nonce=v.S1_NONCE,
        server_nonce=v.S1_SERVER_NONCE,
        new_nonce=v.S1_NEW_NONCE,
        g=v.S1_G,
        dh_prime=DH_PRIME,
        g_a=int.from_bytes(v.S1_G_A, "big"),
        server_time=v.S1_SERVER_TIME,
        random=replay(v.S1_ANSWER_PADDING),
    )
    assert answer.encrypted_answer == v.S1_ENCRYPTED_ANSWER
    assert answer.to_bytes() == DH_PARAMS_OK_PACKET[20:]


def test_server_steps_open_the_published_set_client_dh_params() -> None:
    request = body(SET_CLIENT_DH_PARAMS_PACKET)
    assert isinstance(request, mt.SetClientDHParams)
    retry_id, g_b = ss.open_client_dh(
        request, nonce=v.S1_NONCE, server_nonce=v.S1_SERVER_NONCE, new_nonce=v.S1_NEW_NONCE, dh_prime=DH_PRIME
    )
    assert retry_id == 0
    assert g_b == int.from_bytes(v.S1_G_B, "big")


def test_server_steps_rebuild_the_published_dh_gen_ok() -> None:
    answer = ss.make_dh_gen(1, v.S1_NONCE, v.S1_SERVER_NONCE, v.S1_NEW_NONCE, AuthKey(v.S1_AUTH_KEY))
    assert answer.to_bytes() == v.S1_DH_GEN_OK_PACKET[20:]
