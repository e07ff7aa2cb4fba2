"""RSA: Telegram key fingerprints (docs/protocol.md §15), RSA_PAD and the legacy scheme in both roles, hostile
input."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.crypto import rsa
from tgfleet.crypto.aes import ige_encrypt_fallback
from tgfleet.crypto.rsa import RsaPrivateKey, RsaPublicKey
from tgfleet.errors import DecodeError, EncodeError, HandshakeError

from . import vectors as v
from .helpers import replay, seeded
from .telegram_keys import PRODUCTION_N_HEX, TELEGRAM_KEYS

KEY = RsaPrivateKey.from_pem((Path(__file__).parent / "test_only_rsa_key.pem").read_text())
"""A fixed test-only key pair (modulus top byte 0x86, so RSA_PAD's ">= modulus" retry happens often)."""
TEMP_KEY = bytes(range(100, 132))


def _fp(n: int) -> int:
    return n - (1 << 64) if n >= 1 << 63 else n


@pytest.mark.parametrize(("name", "fingerprint", "pem"), TELEGRAM_KEYS, ids=[f"{k[1]:#x}" for k in TELEGRAM_KEYS])
def test_telegram_fingerprints(name: str, fingerprint: int, pem: str) -> None:
    key = RsaPublicKey.from_pem(pem)
    assert key.e == 65537
    assert key.n.bit_length() == 2048
    assert key.fingerprint == _fp(fingerprint)
    assert key.fingerprint_bytes == (fingerprint).to_bytes(8, "little")


def test_production_key_matches_the_worked_example() -> None:
    key = RsaPublicKey.from_pem(TELEGRAM_KEYS[0][2])
    assert key.n == int(PRODUCTION_N_HEX, 16)
    assert key.fingerprint == v.S1_FINGERPRINT == -3414540481677951611
    assert v.S1_RES_PQ_PACKET.endswith(key.fingerprint_bytes)  # the key the client picked in the worked example
    assert int.from_bytes(v.S1_RSA_ENCRYPTED_DATA, "big") < key.n  # the published ciphertext is a valid one


def test_tl_bytes_serialization() -> None:
    assert rsa._tl_bytes(b"") == b"\0\0\0\0"
    assert rsa._tl_bytes(b"\1\0\1") == b"\3\1\0\1"
    assert rsa._tl_bytes(b"x" * 253) == b"\xfd" + b"x" * 253 + b"\0\0"
    assert rsa._tl_bytes(b"x" * 254) == b"\xfe\xfe\0\0" + b"x" * 254 + b"\0\0"
    assert len(rsa._tl_bytes(bytes(256))) == 260


def test_pem_round_trips() -> None:
    public = KEY.public
    assert "BEGIN RSA PUBLIC KEY" in public.to_pem()
    assert "BEGIN PUBLIC KEY" in public.to_pem(pkcs1=False)
    assert RsaPublicKey.from_pem(public.to_pem()) == public
    assert RsaPublicKey.from_pem(public.to_pem(pkcs1=False).encode()) == public
    again = RsaPrivateKey.from_pem(KEY.to_pem())
    assert again.public == public
    assert hash(again.public) == hash(public)
    assert "fingerprint" in repr(KEY)


@pytest.mark.parametrize(
    "pem", ["", "not a pem", "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n"]
)
def test_bad_pem(pem: str) -> None:
    with pytest.raises(DecodeError):
        RsaPublicKey.from_pem(pem)
    with pytest.raises(DecodeError):
        RsaPrivateKey.from_pem(pem)


def test_non_rsa_pem_is_rejected() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    ed = ed25519.Ed25519PrivateKey.generate()
    pub = ed.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    priv = ed.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(DecodeError, match="non-RSA"):
        RsaPublicKey.from_pem(pub)
    with pytest.raises(DecodeError, match="non-RSA"):
        RsaPrivateKey.from_pem(priv)


def test_generate() -> None:
    key = RsaPrivateKey.generate()
    assert key.public.n.bit_length() == 2048
    assert key.decrypt_int(key.public.encrypt_int(12345)) == 12345


# --- RSA_PAD -----------------------------------------------------------------------------------------------


def test_rsa_pad_with_the_s1_inputs_round_trips() -> None:
    encrypted = rsa.rsa_pad_encrypt(v.S1_PQ_INNER_DATA, KEY.public, replay(v.S1_RANDOM_PADDING, TEMP_KEY))
    assert len(encrypted) == 256
    assert rsa.rsa_pad_decrypt(encrypted, KEY) == v.S1_PQ_INNER_DATA + v.S1_RANDOM_PADDING
    assert rsa.decrypt_inner_data(encrypted, KEY) == v.S1_PQ_INNER_DATA + v.S1_RANDOM_PADDING


def test_rsa_pad_layout() -> None:
    """The RSA plaintext is temp_key_xor + AES-IGE(reverse(data_with_padding) + SHA256(...)) exactly,
    rebuilt here independently (hashlib + the fallback IGE)."""
    encrypted = rsa.rsa_pad_encrypt(v.S1_PQ_INNER_DATA, KEY.public, replay(v.S1_RANDOM_PADDING, TEMP_KEY))
    block = KEY.decrypt_int(int.from_bytes(encrypted, "big")).to_bytes(256, "big")
    data_with_padding = v.S1_PQ_INNER_DATA + v.S1_RANDOM_PADDING
    assert len(data_with_padding) == 192
    data_with_hash = data_with_padding[::-1] + hashlib.sha256(TEMP_KEY + data_with_padding).digest()
    aes_encrypted = ige_encrypt_fallback(data_with_hash, TEMP_KEY, bytes(32))
    temp_key_xor = bytes(a ^ b for a, b in zip(TEMP_KEY, hashlib.sha256(aes_encrypted).digest(), strict=True))
    assert block == temp_key_xor + aes_encrypted
    assert int.from_bytes(block, "big") < KEY.public.n


def test_rsa_pad_retries_temp_key_while_not_below_modulus() -> None:
    for seed in range(50):
        calls: list[int] = []
        source = seeded(seed)

        def random(n: int, calls: list[int] = calls, source: Callable[[int], bytes] = source) -> bytes:
            calls.append(n)
            return source(n)

        data = seeded(1000 + seed)(100)
        encrypted = rsa.rsa_pad_encrypt(data, KEY.public, random)
        assert calls[0] == 92 and set(calls[1:]) == {32}
        if len(calls) > 2:  # at least one temp_key gave key_aes_encrypted >= n and was replaced
            assert rsa.rsa_pad_decrypt(encrypted, KEY)[:100] == data
            break
    else:
        pytest.fail("no retry seen in 50 encryptions")


def test_rsa_pad_limits() -> None:
    with pytest.raises(EncodeError):
        rsa.rsa_pad_encrypt(bytes(145), KEY.public)
    small = RsaPublicKey(KEY.public.n >> 8, 65537)
    with pytest.raises(EncodeError, match="2048"):
        rsa.rsa_pad_encrypt(b"x", small)
    assert len(rsa.rsa_pad_encrypt(bytes(144), KEY.public)) == 256


def test_rsa_pad_tampering() -> None:
    encrypted = bytearray(rsa.rsa_pad_encrypt(v.S1_PQ_INNER_DATA, KEY.public))
    encrypted[100] ^= 4
    with pytest.raises(HandshakeError):
        rsa.rsa_pad_decrypt(bytes(encrypted), KEY)


# --- legacy scheme -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 96, 100, 235])
def test_legacy_round_trip(size: int) -> None:
    data = seeded(size)(size)
    encrypted = rsa.legacy_encrypt(data, KEY.public)
    assert rsa.legacy_decrypt(encrypted, KEY) == data
    assert rsa.decrypt_inner_data(encrypted, KEY) == data


def test_legacy_limits_and_tampering() -> None:
    with pytest.raises(EncodeError):
        rsa.legacy_encrypt(bytes(236), KEY.public)
    encrypted = rsa.legacy_encrypt(b"p_q_inner_data....", KEY.public)
    with pytest.raises(HandshakeError):
        rsa.rsa_pad_decrypt(encrypted, KEY)
    block = KEY.decrypt_int(int.from_bytes(encrypted, "big")).to_bytes(256, "big")
    forged = bytearray(block)
    forged[30] ^= 1
    with pytest.raises(HandshakeError, match="SHA1"):
        rsa.legacy_decrypt(KEY.public.encrypt_int(int.from_bytes(forged, "big")).to_bytes(256, "big"), KEY)
    not_zero = b"\x01" + block[1:]
    with pytest.raises(HandshakeError, match="zero byte"):
        rsa.legacy_decrypt(KEY.public.encrypt_int(int.from_bytes(not_zero, "big")).to_bytes(256, "big"), KEY)


def test_decrypt_inner_data_names_both_failures() -> None:
    with pytest.raises(HandshakeError, match=r"RSA_PAD.*legacy"):
        rsa.decrypt_inner_data(bytes(range(256)), KEY)


@pytest.mark.parametrize("data", [b"", bytes(257), b"\xff" * 256])
def test_impossible_ciphertexts(data: bytes) -> None:
    with pytest.raises(HandshakeError):
        rsa.decrypt_inner_data(data, KEY)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_ciphertext_only_raises_handshake_error(data: bytes) -> None:
    for decrypt in (rsa.decrypt_inner_data, rsa.rsa_pad_decrypt, rsa.legacy_decrypt):
        with pytest.raises(HandshakeError):
            decrypt(data, KEY)
