"""AES-256 in the two modes MTProto uses: IGE (message and handshake encryption) and CTR (obfuscation).

IGE (https://core.telegram.org/mtproto/description): with a 32-byte IV ``iv1 + iv2``,
``c_i = E(p_i XOR c_{i-1}) XOR p_{i-1}`` where ``c_0 = iv1`` and ``p_0 = iv2``.
The native backend is ``cryptg`` (Rust, wheels for the main platforms); without it the chaining is done
here over ``cryptography``'s raw AES block cipher (ECB on the whole buffer is not possible for IGE, so
each block is a separate call: correct, but several times slower).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def _native() -> ModuleType | None:
    try:
        return importlib.import_module("cryptg")
    except ImportError:  # pragma: no cover - platforms without a cryptg wheel
        return None


_cryptg = _native()

BACKEND = "cryptg" if _cryptg is not None else "cryptography"
"""Name of the IGE backend in use."""


def _check(data: bytes, key: bytes, iv: bytes) -> None:
    if len(key) != 32 or len(iv) != 32:
        raise ValueError("AES-256-IGE needs a 32-byte key and a 32-byte IV")
    if len(data) % 16:
        raise ValueError(f"AES-IGE input must be a multiple of 16 bytes, got {len(data)}")


def _xor16(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(16, "little")


def ige_encrypt_fallback(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-256-IGE encryption over ``cryptography``'s block cipher (no native IGE)."""
    _check(data, key, iv)
    block = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update
    prev_c, prev_p = iv[:16], iv[16:]
    out = bytearray()
    for i in range(0, len(data), 16):
        p = data[i : i + 16]
        prev_c = _xor16(block(_xor16(p, prev_c)), prev_p)
        prev_p = p
        out += prev_c
    return bytes(out)


def ige_decrypt_fallback(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-256-IGE decryption over ``cryptography``'s block cipher: ``p_i = D(c_i XOR p_{i-1}) XOR c_{i-1}``."""
    _check(data, key, iv)
    block = Cipher(algorithms.AES(key), modes.ECB()).decryptor().update
    prev_c, prev_p = iv[:16], iv[16:]
    out = bytearray()
    for i in range(0, len(data), 16):
        c = data[i : i + 16]
        prev_p = _xor16(block(_xor16(c, prev_p)), prev_c)
        prev_c = c
        out += prev_p
    return bytes(out)


def ige_encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-256-IGE encrypt ``data`` (a multiple of 16 bytes) with a 32-byte key and 32-byte IV."""
    if _cryptg is None:
        return ige_encrypt_fallback(data, key, iv)
    if len(key) != 32 or len(iv) != 32 or len(data) & 15:
        _check(data, key, iv)  # raises, naming the problem
    return _cryptg.encrypt_ige(data if type(data) is bytes else bytes(data), key, iv)  # type: ignore[no-any-return]


def ige_decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-256-IGE decrypt ``data`` (a multiple of 16 bytes) with a 32-byte key and 32-byte IV."""
    if _cryptg is None:
        return ige_decrypt_fallback(data, key, iv)
    if len(key) != 32 or len(iv) != 32 or len(data) & 15:
        _check(data, key, iv)
    return _cryptg.decrypt_ige(data if type(data) is bytes else bytes(data), key, iv)  # type: ignore[no-any-return]


class AesCtr:
    """A running AES-256-CTR keystream (one per direction of an obfuscated connection).

    ``update`` encrypts and decrypts alike; the counter state carries over between calls.
    """

    __slots__ = ("_ctx",)

    def __init__(self, key: bytes, iv: bytes) -> None:
        if len(key) != 32 or len(iv) != 16:
            raise ValueError("AES-256-CTR needs a 32-byte key and a 16-byte IV")
        self._ctx = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()

    def update(self, data: bytes) -> bytes:
        return self._ctx.update(data)
