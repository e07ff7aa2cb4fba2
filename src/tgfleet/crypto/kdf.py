"""MTProto 2.0 key derivation and message encryption (both directions), plus the handshake's small KDFs.

Source: https://core.telegram.org/mtproto/description ("Defining AES Key and Initialization Vector") and
https://core.telegram.org/mtproto/auth_key (steps 6, 8, 9). ``x = 0`` for client -> server messages,
``x = 8`` for server -> client messages.

Integer convention: every 64-bit identifier derived here (``auth_key_id``, the first server salt) is
returned as a **signed** int64 read little-endian from its 8 wire bytes -- the same value a TL ``long``
decodes to -- and the 8 wire bytes are available next to it (``AuthKey.id_bytes``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.errors import EncodeError, HandshakeError, SecurityError

X_CLIENT = 0
"""``x`` for messages the client sends (client -> server)."""
X_SERVER = 8
"""``x`` for messages the server sends (server -> client)."""

_sha1 = hashlib.sha1
_sha256 = hashlib.sha256


class AuthKey:
    """A 256-byte auth key with everything the per-message path needs precomputed.

    ``id_bytes`` is ``SHA1(auth_key)[12:20]`` (the wire form of auth_key_id), ``key_id`` the same 8 bytes as a
    signed LE int64, ``aux_hash`` is ``SHA1(auth_key)[0:8]`` (auth_key_aux_hash, also the retry_id of
    dh_gen_retry). The slices ``auth_key[88+x:120+x]``, ``auth_key[x:x+36]`` and ``auth_key[40+x:76+x]`` are
    cut once per direction.
    """

    __slots__ = ("_a", "_b", "_m", "aux_hash", "id_bytes", "key", "key_id")

    def __init__(self, key: bytes) -> None:
        if len(key) != 256:
            raise SecurityError(f"auth_key must be 256 bytes, got {len(key)}")
        key = bytes(key)
        digest = _sha1(key).digest()
        self.key = key
        self.id_bytes = digest[12:20]
        self.key_id = int.from_bytes(self.id_bytes, "little", signed=True)
        self.aux_hash = digest[0:8]
        # Index 0 is x = 0 (client -> server), index 1 is x = 8 (server -> client).
        self._m = (key[88:120], key[96:128])
        self._a = (key[0:36], key[8:44])
        self._b = (key[40:76], key[48:84])

    def __repr__(self) -> str:
        return f"AuthKey(key_id={self.key_id:#x})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuthKey) and hmac.compare_digest(self.key, other.key)

    def __hash__(self) -> int:
        return hash(self.id_bytes)


def _key(auth_key: AuthKey | bytes) -> AuthKey:
    return auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)


def _index(x: int) -> int:
    if x == 0:
        return 0
    if x == 8:
        return 1
    raise ValueError(f"x must be 0 (client -> server) or 8 (server -> client), got {x!r}")


def auth_key_id(auth_key: bytes) -> int:
    """auth_key_id, signed int64: "the 64 lower-order bits of SHA1(auth_key)" = ``SHA1(auth_key)[12:20]`` LE.

    https://core.telegram.org/mtproto/description (Key Identifier). The wire form is ``AuthKey.id_bytes``.
    """
    return int.from_bytes(_sha1(auth_key).digest()[12:20], "little", signed=True)


def auth_key_aux_hash(auth_key: bytes) -> bytes:
    """``auth_key_aux_hash = SHA1(auth_key)[0:8]`` ("the 64 higher-order bits"; https://core.telegram.org/mtproto/auth_key)."""
    return _sha1(auth_key).digest()[0:8]


def msg_key_large(auth_key: AuthKey | bytes, plaintext_with_padding: bytes, x: int) -> bytes:
    """``msg_key_large = SHA256(substr(auth_key, 88+x, 32) + plaintext_with_padding)`` (32 bytes).

    https://core.telegram.org/mtproto/description. Its first 4 bytes are the quick-ack token.
    """
    h = _sha256(_key(auth_key)._m[_index(x)])
    h.update(plaintext_with_padding)
    return h.digest()


def msg_key_for(auth_key: AuthKey | bytes, plaintext_with_padding: bytes, x: int) -> bytes:
    """``msg_key = substr(msg_key_large, 8, 16)`` (https://core.telegram.org/mtproto/description)."""
    return msg_key_large(auth_key, plaintext_with_padding, x)[8:24]


def aes_key_iv(auth_key: AuthKey | bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    """MTProto 2.0 ``aes_key``/``aes_iv`` from ``msg_key`` (https://core.telegram.org/mtproto/description).

    ``sha256_a = SHA256(msg_key + substr(auth_key, x, 36))``;
    ``sha256_b = SHA256(substr(auth_key, 40+x, 36) + msg_key)``;
    ``aes_key = substr(sha256_a, 0, 8) + substr(sha256_b, 8, 16) + substr(sha256_a, 24, 8)``;
    ``aes_iv = substr(sha256_b, 0, 8) + substr(sha256_a, 8, 16) + substr(sha256_b, 24, 8)``.
    """
    key = _key(auth_key)
    i = _index(x)
    a = _sha256(msg_key + key._a[i]).digest()
    b = _sha256(key._b[i] + msg_key).digest()
    return a[0:8] + b[8:24] + a[24:32], b[0:8] + a[8:24] + b[24:32]


def encrypt_message(auth_key: AuthKey | bytes, plaintext_with_padding: bytes, x: int) -> bytes:
    """``auth_key_id + msg_key + AES-256-IGE(plaintext_with_padding, aes_key, aes_iv)``.

    https://core.telegram.org/mtproto/description. The plaintext must already carry its padding (a multiple
    of 16 bytes; MTProto 2.0 wants 12..1024 padding bytes, see :func:`add_padding`).
    """
    key = _key(auth_key)
    if not plaintext_with_padding or len(plaintext_with_padding) % 16:
        size = len(plaintext_with_padding)
        raise EncodeError(f"plaintext_with_padding must be a non-empty multiple of 16 bytes, got {size}")
    msg_key = msg_key_large(key, plaintext_with_padding, x)[8:24]
    aes_key, aes_iv = aes_key_iv(key, msg_key, x)
    return key.id_bytes + msg_key + ige_encrypt(plaintext_with_padding, aes_key, aes_iv)


def decrypt_message(auth_key: AuthKey | bytes, data: bytes, x: int) -> bytes:
    """Check and decrypt ``auth_key_id (8) + msg_key (16) + encrypted_data``; return plaintext_with_padding.

    https://core.telegram.org/mtproto/description and /mtproto/security_guidelines: the msg_key
    (``SHA256(substr(auth_key, 88+x, 32) + plaintext)[8:24]``) is recomputed and compared in constant time
    *even when an earlier check already failed*, and every failure raises the same :class:`SecurityError`
    (its text names the first problem: length, not a multiple of 16, auth_key_id mismatch, msg_key
    mismatch). The caller still has to check the inner length fields and the 12..1024 padding.
    """
    key = _key(auth_key)
    i = _index(x)
    size = len(data)
    problem = ""
    if size < 24 + 16:
        problem = f"encrypted message too short ({size} bytes)"
    elif (size - 24) % 16:
        problem = f"encrypted_data is not a multiple of 16 bytes ({size - 24})"
    if not hmac.compare_digest(bytes(data[0:8]), key.id_bytes) and not problem:
        problem = "auth_key_id mismatch"
    msg_key = bytes(data[8:24]).ljust(16, b"\0")
    body = bytes(data[24 : 24 + (max(size - 24, 0) // 16) * 16]) or bytes(16)
    aes_key, aes_iv = aes_key_iv(key, msg_key, x)
    plaintext = ige_decrypt(body, aes_key, aes_iv)
    h = _sha256(key._m[i])
    h.update(plaintext)
    if not hmac.compare_digest(h.digest()[8:24], msg_key) and not problem:
        problem = "msg_key mismatch"
    if problem:
        raise SecurityError(problem)
    return plaintext


def add_padding(plaintext: bytes, random: Callable[[int], bytes] = os.urandom, extra_blocks: int = 0) -> bytes:
    """Append 12..27 random bytes (plus ``16 * extra_blocks``) so the total is a multiple of 16.

    https://core.telegram.org/mtproto/description: "padding: 12..1024 random bytes" with the total length
    divisible by 16. ``extra_blocks`` (0..62) lets a caller hide the message length.
    """
    if not 0 <= extra_blocks <= 62:
        raise EncodeError(f"extra_blocks must be in 0..62, got {extra_blocks}")
    pad = 12 + (-(len(plaintext) + 12) % 16) + 16 * extra_blocks
    return plaintext + random(pad)


# --- handshake (https://core.telegram.org/mtproto/auth_key) -------------------------------------------


def tmp_aes_key_iv(new_nonce: bytes, server_nonce: bytes) -> tuple[bytes, bytes]:
    """Key and IV of the DH-exchange messages (auth_key step 6).

    ``tmp_aes_key = SHA1(new_nonce + server_nonce) + substr(SHA1(server_nonce + new_nonce), 0, 12)``;
    ``tmp_aes_iv = substr(SHA1(server_nonce + new_nonce), 12, 8) + SHA1(new_nonce + new_nonce) +
    substr(new_nonce, 0, 4)``.
    """
    ns = _sha1(new_nonce + server_nonce).digest()
    sn = _sha1(server_nonce + new_nonce).digest()
    nn = _sha1(new_nonce + new_nonce).digest()
    return ns + sn[0:12], sn[12:20] + nn + new_nonce[0:4]


def new_nonce_hash(new_nonce: bytes, number: int, aux_hash: bytes) -> bytes:
    """``new_nonce_hashN = substr(SHA1(new_nonce + byte(N) + auth_key_aux_hash), 4, 16)`` (auth_key step 9).

    N = 1 for dh_gen_ok, 2 for dh_gen_retry, 3 for dh_gen_fail.
    """
    if number not in (1, 2, 3):
        raise ValueError(f"new_nonce_hash number must be 1, 2 or 3, got {number!r}")
    return _sha1(new_nonce + bytes((number,)) + aux_hash).digest()[4:20]


def first_server_salt(new_nonce: bytes, server_nonce: bytes) -> int:
    """``server_salt = substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8)`` as a signed LE int64.

    https://core.telegram.org/mtproto/auth_key (step 9).
    """
    a = int.from_bytes(new_nonce[0:8], "little")
    b = int.from_bytes(server_nonce[0:8], "little")
    return int.from_bytes((a ^ b).to_bytes(8, "little"), "little", signed=True)


def with_sha1(data: bytes, random: Callable[[int], bytes] = os.urandom) -> bytes:
    """``SHA1(data) + data + (0..15 random bytes)`` up to a multiple of 16 (auth_key steps 6 and 7).

    The plaintext of ``encrypted_answer`` and of set_client_DH_params' ``encrypted_data``.
    """
    body = _sha1(data).digest() + data
    return body + random(-len(body) % 16)


def check_sha1(data_with_hash: bytes, data_length: int) -> bytes:
    """Verify ``data_with_hash[0:20] == SHA1(data)`` for ``data = data_with_hash[20:20+data_length]``.

    Returns ``data``. The receiver learns ``data_length`` by parsing the TL object that follows the hash;
    the rest (at most 15 bytes) is padding. Raises :class:`HandshakeError` on any mismatch.
    """
    if data_length < 0 or 20 + data_length > len(data_with_hash):
        raise HandshakeError(f"answer length {data_length} does not fit in {len(data_with_hash)} bytes")
    if len(data_with_hash) - 20 - data_length > 15:
        raise HandshakeError(f"too much padding after the answer ({len(data_with_hash) - 20 - data_length})")
    data = bytes(data_with_hash[20 : 20 + data_length])
    if not hmac.compare_digest(_sha1(data).digest(), bytes(data_with_hash[0:20])):
        raise HandshakeError("SHA1 of the decrypted answer does not match")
    return data
