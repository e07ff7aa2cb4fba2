"""MTProto 1.0 message keys and encryption (deprecated; tgfleet uses it only for the binding message of
auth.bindTempAuthKey, which the method's page asks to encrypt "with MTProto v1 using the perm_auth_key").

Source: https://core.telegram.org/mtproto/description_v1 ("Defining AES Key and Initialization Vector") and
https://core.telegram.org/method/auth.bindTempAuthKey. ``x = 0`` client -> server, ``x = 8`` server -> client.

Unlike MTProto 2.0 (``kdf.py``), the msg_key is ``SHA1(plaintext)[4:20]`` over the plaintext *without* its
padding (0..15 bytes up to a multiple of 16), so the receiver reads ``message_data_length`` (at offset 28 of
the plaintext: salt, session_id, msg_id, seqno come first; the binding message has 16 random bytes in place
of salt and session_id) to know where the padding starts, then recomputes the msg_key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable

from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import EncodeError, SecurityError

HEADER_SIZE = 32
"""salt (or random) 16 + msg_id 8 + seqno 4 + message_data_length 4."""
_LENGTH = struct.Struct("<i")
_sha1 = hashlib.sha1


def msg_key_v1(plaintext: bytes) -> bytes:
    """``msg_key`` = the 128 lower-order bits of SHA1(plaintext without padding) = ``SHA1(plaintext)[4:20]``."""
    return _sha1(plaintext).digest()[4:20]


def aes_key_iv_v1(auth_key: AuthKey | bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    """MTProto 1.0 ``aes_key``/``aes_iv`` (https://core.telegram.org/mtproto/description_v1).

    ``sha1_a = SHA1(msg_key + substr(auth_key, x, 32))``;
    ``sha1_b = SHA1(substr(auth_key, 32+x, 16) + msg_key + substr(auth_key, 48+x, 16))``;
    ``sha1_c = SHA1(substr(auth_key, 64+x, 32) + msg_key)``;
    ``sha1_d = SHA1(msg_key + substr(auth_key, 96+x, 32))``;
    ``aes_key = substr(sha1_a, 0, 8) + substr(sha1_b, 8, 12) + substr(sha1_c, 4, 12)``;
    ``aes_iv = substr(sha1_a, 8, 12) + substr(sha1_b, 0, 8) + substr(sha1_c, 16, 4) + substr(sha1_d, 0, 8)``.
    """
    if x not in (0, 8):
        raise ValueError(f"x must be 0 (client -> server) or 8 (server -> client), got {x!r}")
    key = auth_key.key if isinstance(auth_key, AuthKey) else auth_key
    if len(key) != 256:
        raise SecurityError(f"auth_key must be 256 bytes, got {len(key)}")
    a = _sha1(msg_key + key[x : x + 32]).digest()
    b = _sha1(key[32 + x : 48 + x] + msg_key + key[48 + x : 64 + x]).digest()
    c = _sha1(key[64 + x : 96 + x] + msg_key).digest()
    d = _sha1(msg_key + key[96 + x : 128 + x]).digest()
    return a[0:8] + b[8:20] + c[4:16], a[8:20] + b[0:8] + c[16:20] + d[0:8]


def encrypt_message_v1(
    auth_key: AuthKey | bytes, plaintext: bytes, x: int, random: Callable[[int], bytes] = os.urandom
) -> bytes:
    """``auth_key_id + msg_key + AES-256-IGE(plaintext + padding)``, the padding 0..15 random bytes up to a
    multiple of 16. ``plaintext`` is the header (32 bytes, ``message_data_length`` at offset 28) and the data."""
    key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
    if len(plaintext) < HEADER_SIZE or _LENGTH.unpack_from(plaintext, 28)[0] != len(plaintext) - HEADER_SIZE:
        raise EncodeError(f"a v1 plaintext is a 32-byte header whose length field counts the rest ({len(plaintext)})")
    msg_key = msg_key_v1(plaintext)
    aes_key, aes_iv = aes_key_iv_v1(key, msg_key, x)
    padded = plaintext + random(-len(plaintext) % 16)
    return key.id_bytes + msg_key + ige_encrypt(padded, aes_key, aes_iv)


def decrypt_message_v1(auth_key: AuthKey | bytes, data: bytes, x: int) -> bytes:
    """Check and decrypt ``auth_key_id (8) + msg_key (16) + encrypted_data``; return the plaintext without
    its padding (header and data).

    Checks: the lengths, the auth_key_id, ``message_data_length`` (divisible by 4, leaving 0..15 padding
    bytes), and the msg_key over the plaintext it delimits, in constant time. The decryption and the
    msg_key comparison run whatever failed before; every failure is the same :class:`SecurityError`, its
    text naming the first problem.
    """
    key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
    size = len(data) - 24
    problem = ""
    if size < HEADER_SIZE:
        problem = f"encrypted message too short ({len(data)} bytes)"
    elif size % 16:
        problem = f"encrypted_data is not a multiple of 16 bytes ({size})"
    if not hmac.compare_digest(bytes(data[0:8]), key.id_bytes) and not problem:
        problem = "auth_key_id mismatch"
    msg_key = bytes(data[8:24]).ljust(16, b"\0")
    body = bytes(data[24 : 24 + max(size, 0) // 16 * 16]).ljust(HEADER_SIZE, b"\0")
    aes_key, aes_iv = aes_key_iv_v1(key, msg_key, x)
    plaintext = ige_decrypt(body, aes_key, aes_iv)
    length = _LENGTH.unpack_from(plaintext, 28)[0]
    end = HEADER_SIZE + length
    if not (length >= 0 and length % 4 == 0 and 0 <= len(plaintext) - end <= 15):
        problem = problem or f"message_data_length {length} does not fit {len(plaintext)} bytes with 0..15 padding"
        end = len(plaintext)  # the msg_key is still compared, over something
    if not hmac.compare_digest(msg_key_v1(plaintext[:end]), msg_key) and not problem:
        problem = "msg_key mismatch"
    if problem:
        raise SecurityError(problem)
    return plaintext[:end]
