"""AES-256-IGE vectors of docs/test-vectors.md §3, on the native backend and on the pure fallback."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from tgfleet.crypto import aes

from . import vectors as v

Cipher = Callable[[bytes, bytes, bytes], bytes]
BACKENDS: list[tuple[str, Cipher, Cipher]] = [
    ("default", aes.ige_encrypt, aes.ige_decrypt),
    ("fallback", aes.ige_encrypt_fallback, aes.ige_decrypt_fallback),
]


def test_native_backend_in_use() -> None:
    pytest.importorskip("cryptg")
    assert aes.BACKEND == "cryptg"


@pytest.mark.parametrize(("name", "encrypt", "decrypt"), BACKENDS, ids=[b[0] for b in BACKENDS])
def test_grammers_vector(name: str, encrypt: Cipher, decrypt: Cipher) -> None:
    data = v.S3_GRAMMERS_INPUT
    assert encrypt(data, data, data) == v.S3_GRAMMERS_ENCRYPTED
    assert decrypt(data, data, data) == v.S3_GRAMMERS_DECRYPTED
    assert decrypt(v.S3_GRAMMERS_ENCRYPTED, data, data) == data


@pytest.mark.parametrize(("name", "encrypt", "decrypt"), BACKENDS, ids=[b[0] for b in BACKENDS])
def test_openssl_vector(name: str, encrypt: Cipher, decrypt: Cipher) -> None:
    assert encrypt(v.S3_OPENSSL_PLAIN, v.S3_OPENSSL_KEY, v.S3_OPENSSL_IV) == v.S3_OPENSSL_CIPHER
    assert decrypt(v.S3_OPENSSL_CIPHER, v.S3_OPENSSL_KEY, v.S3_OPENSSL_IV) == v.S3_OPENSSL_PLAIN


def test_backends_agree_on_long_input() -> None:
    key, iv, data = os.urandom(32), os.urandom(32), os.urandom(16 * 70)
    encrypted = aes.ige_encrypt(data, key, iv)
    assert aes.ige_encrypt_fallback(data, key, iv) == encrypted
    assert aes.ige_decrypt_fallback(encrypted, key, iv) == data == aes.ige_decrypt(encrypted, key, iv)
