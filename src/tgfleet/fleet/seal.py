"""Sealing auth keys at rest: AES-256-GCM with the fleet's key; the account and DC bound in as associated data.

The key (32 bytes) comes from, in order: the ``seal_key`` argument, ``$TGFLEET_FLEET_KEY`` (base64), or a key file
(``key_file`` argument, ``$TGFLEET_FLEET_KEY_FILE``, else the default: ``<file>.key`` beside an SQLite store,
``fleet.key`` in the working directory for PostgreSQL). A store that has no sealed data yet gets a new key file,
created with mode 0600, on first use. The store keeps a *seal check* (a fixed text sealed under the key) and the
key's id (a hash prefix, not the key), so a wrong key is told apart from damaged data and named.

Every sealed value is ``nonce (12) || ciphertext || tag (16)``; the associated data of an auth key names its account
and DC (``auth_key_aad``), so a sealed key copied into another account's row does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from tgfleet.fleet.errors import SealKeyError
from tgfleet.storage.cipher import KdfParams, SecretBox

KEY_ENV = "TGFLEET_FLEET_KEY"
KEY_FILE_ENV = "TGFLEET_FLEET_KEY_FILE"
KEY_SIZE = 32
_CHECK_TEXT, _CHECK_AAD = b"tgfleet fleet seal check v1", b"tgfleet/fleet/v1/seal-check"


def auth_key_aad(account_id: int, dc_id: int) -> bytes:
    return b"tgfleet/fleet/v1/auth_key/%d/%d" % (account_id, dc_id)


class Sealer:
    """AES-256-GCM under one key (the session storage's ``SecretBox``, with a raw key). ``key_id`` names the key
    without revealing it; the key never shows in a repr."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise SealKeyError(f"the fleet seal key must be {KEY_SIZE} bytes, got {len(key)}")
        self._box = SecretBox(key, KdfParams("raw"))
        self.key_id = hashlib.sha256(b"tgfleet fleet key id" + key).hexdigest()[:16]

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        return self._box.seal(plaintext, aad)

    def unseal(self, blob: bytes, aad: bytes) -> bytes | None:
        """The plaintext, or None when ``blob`` does not open under this key and ``aad``."""
        return self._box.unseal(bytes(blob), aad)

    def make_check(self) -> bytes:
        return self.seal(_CHECK_TEXT, _CHECK_AAD)

    def verify_check(self, blob: bytes) -> bool:
        return self.unseal(blob, _CHECK_AAD) == _CHECK_TEXT

    def __repr__(self) -> str:
        return f"<Sealer key {self.key_id}>"


@dataclass(frozen=True)
class KeyChoice:
    """Where the seal key is (or will be) taken from: explicit bytes, the environment, or a file."""

    key: bytes | None
    origin: str
    path: str | None = None

    def __repr__(self) -> str:
        return f"KeyChoice(origin={self.origin!r})"


def choose_key(seal_key: bytes | None, key_file: str | None, default_file: str) -> KeyChoice:
    """The configured key (SealKeyError when the environment's is malformed); ``key`` None: a file not there yet."""
    if seal_key is not None:
        return KeyChoice(bytes(seal_key), "the seal_key argument")
    encoded = os.environ.get(KEY_ENV)
    if encoded:
        return KeyChoice(_decode(encoded.encode(), f"${KEY_ENV}"), f"${KEY_ENV}")
    path = key_file or os.environ.get(KEY_FILE_ENV) or default_file
    return KeyChoice(read_key_file(path), f"key file {path}", path)


def read_key_file(path: str) -> bytes | None:
    """The key in ``path`` (base64 text), None when there is no such file; SealKeyError when it is malformed."""
    try:
        with open(path, "rb") as f:
            text = f.read(4096)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SealKeyError(f"cannot read the fleet key file {path}: {exc.strerror}") from exc
    return _decode(text, f"the fleet key file {path}")


def _decode(text: bytes, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SealKeyError(f"{where} is not base64 (it must be base64 of {KEY_SIZE} random bytes)") from None
    if len(key) != KEY_SIZE:
        raise SealKeyError(f"{where} decodes to {len(key)} bytes, not {KEY_SIZE}")
    return key


def create_key_file(path: str) -> bytes:
    """A new random key written to ``path`` (mode 0600; never overwrites an existing file)."""
    key = os.urandom(KEY_SIZE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = read_key_file(path)
        if existing is None:  # pragma: no cover - removed between the two calls
            raise SealKeyError(f"the fleet key file {path} vanished while it was created") from None
        return existing
    except OSError as exc:
        raise SealKeyError(f"cannot create the fleet key file {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as f:
        f.write(base64.b64encode(key) + b"\n")
    return key
