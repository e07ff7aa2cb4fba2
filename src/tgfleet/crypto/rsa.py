"""RSA for the auth-key exchange: key fingerprints, RSA_PAD (current) and the legacy SHA1 scheme, both roles.

Sources: https://core.telegram.org/mtproto/auth_key (steps 2 and 4, RSA_PAD) and the legacy scheme that
deployed clients still send, ``RSA(SHA1(data) + data + random padding to 255 bytes)``.

Fingerprints are **signed** int64 (the value a TL ``long`` decodes to); ``fingerprint_bytes`` is the wire
form. Raw RSA (no PKCS#1 padding) is done with Python integers; the private operation uses the CRT and
is not constant-time (acceptable for the local test server, which is what holds private keys here).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa as _rsa

from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.errors import DecodeError, EncodeError, HandshakeError

RSA_PAD_MAX_DATA = 144
"""RSA_PAD: "data must be <= 144 bytes"."""
LEGACY_MAX_DATA = 235
"""Legacy scheme: SHA1 (20) + data + padding = 255 bytes."""
_ZERO_IV = bytes(32)


def _tl_bytes(data: bytes) -> bytes:
    """TL ``bytes`` (https://core.telegram.org/mtproto/serialize), kept local: crypto never imports tl."""
    n = len(data)
    head = bytes((n,)) if n <= 253 else b"\xfe" + n.to_bytes(3, "little")
    out = head + data
    return out + bytes(-len(out) % 4)


def _be(n: int) -> bytes:
    """Big-endian magnitude without leading zero bytes."""
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


class RsaPublicKey:
    """A server's RSA public key ``(n, e)`` and its MTProto fingerprint.

    ``fingerprint = lower 64 bits of SHA1(rsa_public_key n:bytes e:bytes)`` serialized bare
    (https://core.telegram.org/mtproto/auth_key step 2), i.e. ``SHA1(...)[12:20]`` read LE, signed.
    """

    __slots__ = ("e", "fingerprint", "fingerprint_bytes", "n")

    def __init__(self, n: int, e: int) -> None:
        if n <= 0 or e <= 0:
            raise ValueError("RSA modulus and exponent must be positive")
        self.n = n
        self.e = e
        digest = hashlib.sha1(_tl_bytes(_be(n)) + _tl_bytes(_be(e))).digest()
        self.fingerprint_bytes = digest[12:20]
        self.fingerprint = int.from_bytes(self.fingerprint_bytes, "little", signed=True)

    def __repr__(self) -> str:
        return f"RsaPublicKey(bits={self.n.bit_length()}, fingerprint={self.fingerprint & (2**64 - 1):#018x})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RsaPublicKey) and (self.n, self.e) == (other.n, other.e)

    def __hash__(self) -> int:
        return hash((self.n, self.e))

    @classmethod
    def from_pem(cls, pem: str | bytes) -> RsaPublicKey:
        """Parse a PKCS#1 ``BEGIN RSA PUBLIC KEY`` or SPKI ``BEGIN PUBLIC KEY`` block."""
        data = pem.encode() if isinstance(pem, str) else bytes(pem)
        try:
            key = serialization.load_pem_public_key(data)
        except Exception as exc:  # cryptography raises ValueError / UnsupportedAlgorithm
            raise DecodeError(f"not an RSA public key PEM: {exc}", where="RSA PEM") from None
        if not isinstance(key, _rsa.RSAPublicKey):
            raise DecodeError("PEM holds a non-RSA public key", where="RSA PEM")
        numbers = key.public_numbers()
        return cls(numbers.n, numbers.e)

    def to_pem(self, *, pkcs1: bool = True) -> str:
        """PEM text: PKCS#1 ``RSA PUBLIC KEY`` (what Telegram publishes) or SPKI ``PUBLIC KEY``."""
        key = _rsa.RSAPublicNumbers(self.e, self.n).public_key()
        fmt = serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo
        return key.public_bytes(serialization.Encoding.PEM, fmt).decode()

    def encrypt_int(self, m: int) -> int:
        """Raw RSA: ``m^e mod n``."""
        return pow(m, self.e, self.n)


class RsaPrivateKey:
    """An RSA private key (the local test server's); ``.public`` is its :class:`RsaPublicKey`."""

    __slots__ = ("_crt", "_key", "public")

    def __init__(self, key: _rsa.RSAPrivateKey) -> None:
        self._key = key
        priv = key.private_numbers()
        self.public = RsaPublicKey(priv.public_numbers.n, priv.public_numbers.e)
        self._crt = (priv.p, priv.q, priv.dmp1, priv.dmq1, priv.iqmp)

    def __repr__(self) -> str:
        return f"RsaPrivateKey({self.public!r})"

    @classmethod
    def generate(cls, bits: int = 2048) -> RsaPrivateKey:
        """A fresh key with e = 65537."""
        return cls(_rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def from_pem(cls, pem: str | bytes, password: bytes | None = None) -> RsaPrivateKey:
        """Parse a PKCS#1 ``RSA PRIVATE KEY`` or PKCS#8 ``PRIVATE KEY`` block."""
        data = pem.encode() if isinstance(pem, str) else bytes(pem)
        try:
            key = serialization.load_pem_private_key(data, password=password)
        except Exception as exc:  # ValueError / TypeError / UnsupportedAlgorithm
            raise DecodeError(f"not an RSA private key PEM: {exc}", where="RSA PEM") from None
        if not isinstance(key, _rsa.RSAPrivateKey):
            raise DecodeError("PEM holds a non-RSA private key", where="RSA PEM")
        return cls(key)

    def to_pem(self) -> str:
        """Unencrypted PKCS#8 ``PRIVATE KEY`` PEM text."""
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def decrypt_int(self, c: int) -> int:
        """Raw RSA: ``c^d mod n`` via the CRT."""
        p, q, dp, dq, qinv = self._crt
        m1 = pow(c, dp, p)
        m2 = pow(c, dq, q)
        return m2 + (qinv * (m1 - m2) % p) * q


def _modulus_bytes(key: RsaPublicKey) -> int:
    size = (key.n.bit_length() + 7) // 8
    if size != 256:
        raise EncodeError(f"MTProto RSA needs a 2048-bit modulus, got {key.n.bit_length()} bits")
    return size


# --- RSA_PAD (https://core.telegram.org/mtproto/auth_key, step 4) --------------------------------------


def rsa_pad_encrypt(data: bytes, key: RsaPublicKey, random: Callable[[int], bytes] = os.urandom) -> bytes:
    """RSA_PAD-encrypt ``data`` (<= 144 bytes) for ``key``; 256 bytes out.

    ``data_with_padding = data + random bytes`` (192 bytes);
    ``data_pad_reversed = reverse(data_with_padding)``;
    ``data_with_hash = data_pad_reversed + SHA256(temp_key + data_with_padding)``;
    ``aes_encrypted = AES256_IGE(data_with_hash, temp_key, 32 zero bytes)``;
    ``temp_key_xor = temp_key XOR SHA256(aes_encrypted)``;
    ``key_aes_encrypted = temp_key_xor + aes_encrypted``, retried with a new ``temp_key`` while it is >= n;
    ``encrypted_data = key_aes_encrypted^e mod n``.
    ``random`` is called for the padding first, then for each 32-byte ``temp_key``.
    """
    size = _modulus_bytes(key)
    if len(data) > RSA_PAD_MAX_DATA:
        raise EncodeError(f"RSA_PAD data must be <= {RSA_PAD_MAX_DATA} bytes, got {len(data)}")
    data_with_padding = data + random(192 - len(data))
    data_pad_reversed = data_with_padding[::-1]
    while True:
        temp_key = random(32)
        data_with_hash = data_pad_reversed + hashlib.sha256(temp_key + data_with_padding).digest()
        aes_encrypted = ige_encrypt(data_with_hash, temp_key, _ZERO_IV)
        temp_key_xor = _xor(temp_key, hashlib.sha256(aes_encrypted).digest())
        m = int.from_bytes(temp_key_xor + aes_encrypted, "big")
        if m < key.n:
            return key.encrypt_int(m).to_bytes(size, "big")


def _raw_decrypt(encrypted: bytes, key: RsaPrivateKey) -> bytes:
    """``encrypted^d mod n`` as 256 big-endian bytes; HandshakeError if it is not a valid ciphertext."""
    if not 0 < len(encrypted) <= 256:
        raise HandshakeError(f"RSA ciphertext must be 1..256 bytes, got {len(encrypted)}")
    c = int.from_bytes(encrypted, "big")
    if c >= key.public.n:
        raise HandshakeError("RSA ciphertext is not smaller than the modulus")
    return key.decrypt_int(c).to_bytes(256, "big")


def _rsa_pad_unwrap(key_aes_encrypted: bytes) -> bytes:
    """Undo RSA_PAD's wrapping of a decrypted 256-byte block; returns data_with_padding (192 bytes)."""
    temp_key_xor, aes_encrypted = key_aes_encrypted[0:32], key_aes_encrypted[32:256]
    temp_key = _xor(temp_key_xor, hashlib.sha256(aes_encrypted).digest())
    data_with_hash = ige_decrypt(aes_encrypted, temp_key, _ZERO_IV)
    data_with_padding = data_with_hash[0:192][::-1]
    expected = hashlib.sha256(temp_key + data_with_padding).digest()
    if not hmac.compare_digest(expected, data_with_hash[192:224]):
        raise HandshakeError("RSA_PAD hash mismatch")
    return data_with_padding


def rsa_pad_decrypt(encrypted: bytes, key: RsaPrivateKey) -> bytes:
    """Server side of RSA_PAD: recover ``temp_key``, IGE-decrypt, check the SHA256; return data_with_padding.

    The result is the 192-byte ``data + random padding``: the caller parses the TL object from its start
    and ignores the rest. Raises :class:`HandshakeError` on any mismatch.
    """
    return _rsa_pad_unwrap(_raw_decrypt(encrypted, key))


# --- legacy scheme: RSA(SHA1(data) + data + random padding to 255 bytes) ------------------------------


def legacy_encrypt(data: bytes, key: RsaPublicKey, random: Callable[[int], bytes] = os.urandom) -> bytes:
    """``encrypted_data = RSA(SHA1(data) + data + random padding)``, the plaintext being 255 bytes.

    The scheme older clients (Telethon, Pyrogram) still use with p_q_inner_data. Kept for tests and interop.
    """
    size = _modulus_bytes(key)
    if len(data) > LEGACY_MAX_DATA:
        raise EncodeError(f"legacy RSA data must be <= {LEGACY_MAX_DATA} bytes, got {len(data)}")
    block = hashlib.sha1(data).digest() + data + random(LEGACY_MAX_DATA - len(data))
    return key.encrypt_int(int.from_bytes(block, "big")).to_bytes(size, "big")


def _legacy_unwrap(block: bytes) -> bytes:
    """Find ``data`` in ``00 + SHA1(data) + data + padding``: the length is the one whose SHA1 matches."""
    if block[0] != 0:
        raise HandshakeError("legacy RSA block does not start with a zero byte")
    digest, rest = block[1:21], block[21:256]
    for length in range(len(rest), -1, -1):
        if hmac.compare_digest(hashlib.sha1(rest[:length]).digest(), digest):
            return rest[:length]
    raise HandshakeError("legacy RSA SHA1 matches no prefix of the data")


def legacy_decrypt(encrypted: bytes, key: RsaPrivateKey) -> bytes:
    """Server side of the legacy scheme: return exactly ``data`` (the prefix whose SHA1 is the stored hash).

    Every candidate length 0..235 is tried (at most 236 SHA1s of <= 235 bytes), so no TL parsing is needed
    here. Raises :class:`HandshakeError` when no prefix matches.
    """
    return _legacy_unwrap(_raw_decrypt(encrypted, key))


def decrypt_inner_data(encrypted: bytes, key: RsaPrivateKey) -> bytes:
    """Server helper: decrypt req_DH_params' ``encrypted_data`` trying RSA_PAD, then the legacy scheme.

    Returns the inner data (RSA_PAD: 192 bytes with padding; legacy: exact data); the caller parses
    ``p_q_inner_data*`` from its start. Raises :class:`HandshakeError` naming both failures.
    """
    block = _raw_decrypt(encrypted, key)
    try:
        return _rsa_pad_unwrap(block)
    except HandshakeError as pad_error:
        try:
            return _legacy_unwrap(block)
        except HandshakeError as legacy_error:
            raise HandshakeError(
                f"encrypted_data matches neither RSA_PAD ({pad_error}) nor the legacy scheme ({legacy_error})"
            ) from None
