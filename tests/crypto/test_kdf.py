"""MTProto 2.0 key derivation and message encryption: docs/test-vectors.md §1 (KDF parts) and §2, tampering."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.crypto import kdf
from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.errors import EncodeError, HandshakeError, SecurityError

from . import vectors as v
from .helpers import replay

# --- §1: the handshake KDFs ----------------------------------------------------------------------------


def test_s1_tmp_aes_key_iv() -> None:
    assert kdf.tmp_aes_key_iv(v.S1_NEW_NONCE, v.S1_SERVER_NONCE) == (v.S1_TMP_AES_KEY, v.S1_TMP_AES_IV)


def test_s1_decrypt_encrypted_answer_and_check_hash() -> None:
    key, iv = kdf.tmp_aes_key_iv(v.S1_NEW_NONCE, v.S1_SERVER_NONCE)
    answer_with_hash = ige_decrypt(v.S1_ENCRYPTED_ANSWER, key, iv)
    assert answer_with_hash == v.S1_ANSWER_WITH_HASH
    answer = kdf.check_sha1(answer_with_hash, 564)
    assert answer[0:4] == bytes.fromhex("BA0D89B5")  # server_DH_inner_data#b5890dba
    assert answer_with_hash[20 + 564 :] == v.S1_ANSWER_PADDING
    with pytest.raises(HandshakeError):
        kdf.check_sha1(answer_with_hash, 560)  # wrong length -> wrong hash
    tampered = bytearray(answer_with_hash)
    tampered[30] ^= 1
    with pytest.raises(HandshakeError, match="SHA1"):
        kdf.check_sha1(bytes(tampered), 564)


@pytest.mark.parametrize("length", [-1, 600, 500])
def test_check_sha1_rejects_impossible_lengths(length: int) -> None:
    with pytest.raises(HandshakeError):
        kdf.check_sha1(v.S1_ANSWER_WITH_HASH, length)


def test_s1_client_dh_inner_data_encryption() -> None:
    key, iv = kdf.tmp_aes_key_iv(v.S1_NEW_NONCE, v.S1_SERVER_NONCE)
    plain = kdf.with_sha1(v.S1_CLIENT_DH_INNER_DATA, replay(v.S1_CLIENT_DH_PADDING))
    assert len(plain) % 16 == 0
    assert ige_encrypt(plain, key, iv) == v.S1_CLIENT_DH_ENCRYPTED
    assert kdf.check_sha1(plain, len(v.S1_CLIENT_DH_INNER_DATA)) == v.S1_CLIENT_DH_INNER_DATA


def test_s1_auth_key_id_aux_hash_salt_new_nonce_hash() -> None:
    key = AuthKey(v.S1_AUTH_KEY)
    assert key.id_bytes == v.S1_AUTH_KEY_ID_BYTES
    assert key.key_id == v.S1_AUTH_KEY_ID == kdf.auth_key_id(v.S1_AUTH_KEY)
    assert key.aux_hash == v.S1_AUX_HASH == kdf.auth_key_aux_hash(v.S1_AUTH_KEY)
    salt = kdf.first_server_salt(v.S1_NEW_NONCE, v.S1_SERVER_NONCE)
    assert salt == v.S1_SALT
    assert salt.to_bytes(8, "little", signed=True) == v.S1_SALT_BYTES
    assert kdf.new_nonce_hash(v.S1_NEW_NONCE, 1, key.aux_hash) == v.S1_NEW_NONCE_HASH1
    assert v.S1_DH_GEN_OK_PACKET.endswith(v.S1_NEW_NONCE_HASH1)
    hashes = {kdf.new_nonce_hash(v.S1_NEW_NONCE, n, key.aux_hash) for n in (1, 2, 3)}
    assert len(hashes) == 3
    with pytest.raises(ValueError):
        kdf.new_nonce_hash(v.S1_NEW_NONCE, 4, key.aux_hash)


def test_auth_key_id_is_signed() -> None:
    key = AuthKey(v.S23_AUTH_KEY)
    assert key.key_id == int.from_bytes(key.id_bytes, "little", signed=True)
    assert key.id_bytes == v.S23_PAYLOAD[0:8]
    assert kdf.auth_key_id(v.KEY_00_FF) == int.from_bytes(v.S22_AUTH_KEY_ID, "little", signed=True) < 0


def test_s24_tmp_aes_key_iv() -> None:
    assert kdf.tmp_aes_key_iv(v.S24_NEW_NONCE, v.S24_SERVER_NONCE) == (v.S24_TMP_AES_KEY, v.S24_TMP_AES_IV)


# --- §2: message key derivation -------------------------------------------------------------------------


def test_s21_calc_key_both_sides() -> None:
    assert kdf.aes_key_iv(v.KEY_00_FF, v.MSG_KEY_00_0F, X_CLIENT) == (
        v.S21_CLIENT_AES_KEY,
        v.S21_CLIENT_AES_IV,
    )
    key = AuthKey(v.KEY_00_FF)
    assert kdf.aes_key_iv(key, v.MSG_KEY_00_0F, X_SERVER) == (v.S21_SERVER_AES_KEY, v.S21_SERVER_AES_IV)


def test_s22_encrypt_exactly() -> None:
    plaintext = v.S22_PLAINTEXT + bytes(19)
    assert kdf.msg_key_for(v.KEY_00_FF, plaintext, X_CLIENT) == v.S22_MSG_KEY
    out = kdf.encrypt_message(AuthKey(v.KEY_00_FF), plaintext, X_CLIENT)
    assert out == v.S22_OUTPUT
    assert out[0:8] == v.S22_AUTH_KEY_ID
    assert kdf.decrypt_message(v.KEY_00_FF, out, X_CLIENT) == plaintext


def test_s23_decrypt_real_server_message() -> None:
    key = AuthKey(v.S23_AUTH_KEY)
    assert kdf.decrypt_message(key, v.S23_PAYLOAD, X_SERVER) == v.S23_PLAINTEXT
    large = kdf.msg_key_large(key, v.S23_PLAINTEXT, X_SERVER)
    assert large[8:24] == v.S23_PAYLOAD[8:24]
    with pytest.raises(SecurityError, match="msg_key"):
        kdf.decrypt_message(key, v.S23_PAYLOAD, X_CLIENT)  # wrong direction


@pytest.mark.parametrize("x", [X_CLIENT, X_SERVER])
def test_round_trip_both_directions(x: int) -> None:
    key = AuthKey(os.urandom(256))
    plain = kdf.add_padding(os.urandom(100))
    assert kdf.decrypt_message(key, kdf.encrypt_message(key, plain, x), x) == plain


def test_add_padding_rules() -> None:
    for n in range(0, 64):
        for extra in (0, 1, 62):
            padded = kdf.add_padding(bytes(n), bytes, extra)
            assert len(padded) % 16 == 0
            assert 12 + 16 * extra <= len(padded) - n <= 27 + 16 * extra <= 1024
    with pytest.raises(EncodeError):
        kdf.add_padding(b"", bytes, 63)


def test_encrypt_rejects_unpadded_plaintext() -> None:
    with pytest.raises(EncodeError):
        kdf.encrypt_message(v.KEY_00_FF, b"x" * 17, X_CLIENT)
    with pytest.raises(EncodeError):
        kdf.encrypt_message(v.KEY_00_FF, b"", X_CLIENT)


def test_bad_direction_and_key_size() -> None:
    with pytest.raises(ValueError):
        kdf.aes_key_iv(v.KEY_00_FF, v.MSG_KEY_00_0F, 4)
    with pytest.raises(SecurityError):
        AuthKey(bytes(255))


def test_auth_key_equality_and_repr() -> None:
    assert AuthKey(v.KEY_00_FF) == AuthKey(bytes(range(256)))
    assert AuthKey(v.KEY_00_FF) != AuthKey(v.S23_AUTH_KEY)
    assert len({AuthKey(v.KEY_00_FF), AuthKey(v.KEY_00_FF)}) == 1
    assert "key_id" in repr(AuthKey(v.KEY_00_FF))


# --- every failure is the msg_key failure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "too short"),
        (v.S23_PAYLOAD[:30], "too short"),
        (v.S23_PAYLOAD + b"\0", "multiple of 16"),
        (b"\0" * 8 + v.S23_PAYLOAD[8:], "auth_key_id"),
        (v.S23_PAYLOAD[:8] + bytes(16) + v.S23_PAYLOAD[24:], "msg_key"),
    ],
)
def test_decrypt_failures_are_one_error_and_still_check_msg_key(
    data: bytes, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def spy(body: bytes, key: bytes, iv: bytes) -> bytes:
        calls.append(len(body))
        return ige_decrypt(body, key, iv)

    monkeypatch.setattr(kdf, "ige_decrypt", spy)
    with pytest.raises(SecurityError, match=problem) as info:
        kdf.decrypt_message(AuthKey(v.S23_AUTH_KEY), data, X_SERVER)
    assert type(info.value) is SecurityError
    assert len(calls) == 1  # the msg_key check ran even though an earlier check had failed


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(min_size=0, max_size=200),
    bit=st.integers(min_value=0),
    x=st.sampled_from([X_CLIENT, X_SERVER]),
)
def test_any_single_bit_flip_is_rejected(body: bytes, bit: int, x: int) -> None:
    key = AuthKey(v.S23_AUTH_KEY)
    message = bytearray(kdf.encrypt_message(key, kdf.add_padding(body, bytes), x))
    bit %= len(message) * 8
    message[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(SecurityError):
        kdf.decrypt_message(key, bytes(message), x)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), keep_id=st.booleans(), x=st.sampled_from([X_CLIENT, X_SERVER]))
def test_random_bytes_only_raise_security_error(data: bytes, keep_id: bool, x: int) -> None:
    key = AuthKey(v.S23_AUTH_KEY)
    if keep_id:
        data = key.id_bytes + data
    with pytest.raises(SecurityError):
        kdf.decrypt_message(key, data, x)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=100), length=st.integers(min_value=-5, max_value=120))
def test_check_sha1_hostile_input(data: bytes, length: int) -> None:
    with pytest.raises(HandshakeError):
        kdf.check_sha1(data, length)
