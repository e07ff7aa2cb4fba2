"""Encryption at rest of a session's secrets (auth keys, DC secrets): AES-256-GCM, key from bytes or scrypt.

A ``bytes`` key must be 32 bytes and is used as is. A ``str`` key is a passphrase, stretched with scrypt
(N=2**15, r=8, p=1: ~50 ms and 32 MiB per open; a fleet opening thousands of sessions should derive one
bytes key itself and pass it). The KDF parameters and salt are stored with the data (``KdfParams``), and a
*key check* (a fixed plaintext sealed under the key) tells a wrong key from damaged data.

Every ciphertext is ``nonce (12) || AES-GCM(ciphertext || tag (16))``; its associated data names the row it
belongs to (``aad_auth_key(dc_id)``, ``aad_dc_secret(...)``), so a ciphertext moved to another row fails to
authenticate.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from tgfleet.storage.errors import StorageKeyError

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_KEY_CHECK_PLAINTEXT = b"tgfleet session storage key check v1"
_KEY_CHECK_AAD = b"tgfleet/storage/v1/key-check"


@dataclass(frozen=True)
class KdfParams:
    """How the AES key is obtained from the caller's key: ``raw`` (32 bytes) or ``scrypt`` (a passphrase)."""

    kind: str
    salt_hex: str = ""
    n: int = 0
    r: int = 0
    p: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        raw = json.loads(text)
        return cls(kind=str(raw["kind"]), salt_hex=str(raw["salt_hex"]), n=raw["n"], r=raw["r"], p=raw["p"])

    @classmethod
    def new_for(cls, key: bytes | str) -> KdfParams:
        """Fresh parameters for ``key`` (a random salt for a passphrase)."""
        if isinstance(key, str):
            return cls("scrypt", os.urandom(16).hex(), SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return cls("raw")


class SecretBox:
    """AES-256-GCM with a key derived from the caller's key. ``seal`` / ``unseal`` bind data to a row."""

    def __init__(self, key: bytes | str, params: KdfParams, *, where: str = "") -> None:
        self.params = params
        self._aead = AESGCM(derive_key(key, params, where=where))

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def unseal(self, blob: bytes, aad: bytes) -> bytes | None:
        """The plaintext, or None when ``blob`` does not authenticate under this key and ``aad``."""
        if len(blob) < NONCE_SIZE + TAG_SIZE:
            return None
        try:
            return self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)
        except InvalidTag:
            return None

    def make_key_check(self) -> bytes:
        return self.seal(_KEY_CHECK_PLAINTEXT, _KEY_CHECK_AAD)

    def verify_key_check(self, blob: bytes) -> bool:
        return self.unseal(blob, _KEY_CHECK_AAD) == _KEY_CHECK_PLAINTEXT


def derive_key(key: bytes | str, params: KdfParams, *, where: str = "") -> bytes:
    """The 32-byte AES key; StorageKeyError when ``key`` does not fit ``params`` (kind, length)."""
    if params.kind == "raw":
        if isinstance(key, str):
            raise StorageKeyError(f"{where} is encrypted with a 32-byte key, not a passphrase", path=where)
        if len(key) != KEY_SIZE:
            raise StorageKeyError(f"encryption key must be {KEY_SIZE} bytes, got {len(key)}", path=where)
        return bytes(key)
    if params.kind == "scrypt":
        if not isinstance(key, str):
            raise StorageKeyError(f"{where} is encrypted with a passphrase (str), not a bytes key", path=where)
        kdf = Scrypt(salt=bytes.fromhex(params.salt_hex), length=KEY_SIZE, n=params.n, r=params.r, p=params.p)
        return kdf.derive(key.encode("utf-8"))
    raise StorageKeyError(f"{where} uses an unknown key derivation {params.kind!r}", path=where)


def check_key_argument(key: bytes | str | None) -> None:
    """StorageKeyError for a malformed key argument (a bytes key of the wrong size, an empty passphrase)."""
    if key is None:
        return
    if isinstance(key, str):
        if not key:
            raise StorageKeyError("the encryption passphrase must not be empty")
    elif not isinstance(key, (bytes, bytearray)) or len(key) != KEY_SIZE:
        size = len(key) if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise StorageKeyError(f"encryption key must be {KEY_SIZE} bytes (or a passphrase str), got {size}")


def aad_auth_key(dc_id: int) -> bytes:
    return b"tgfleet/storage/v1/auth_key/%d" % dc_id


def aad_dc_secret(dc_id: int, ip_address: str, port: int) -> bytes:
    return b"tgfleet/storage/v1/dc_secret/%d/%s/%d" % (dc_id, ip_address.encode(), port)
