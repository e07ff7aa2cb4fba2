"""SRP 2FA password check, both roles (passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow).

Source: https://core.telegram.org/api/srp. Notation there (``|`` is concatenation; every number fed to a
hash is big-endian, left-padded to 256 bytes)::

    H(x) = SHA256(x);  SH(x, s) = H(s | x | s);  PH1(pw, s1, s2) = SH(SH(pw, s1), s2)
    PH2(pw, s1, s2) = SH(PBKDF2-HMAC-SHA512(PH1(pw, s1, s2), s1, 100000), s2)
    x = PH2(password, salt1, salt2);  v = g^x mod p;  k = H(p | g);  u = H(g_a | g_b)
    client: s_a = (g_b - k*v)^(a + u*x) mod p;  server: g_b = (k*v + g^b) mod p, s_b = (g_a * v^u)^b mod p
    M1 = H( (H(p) XOR H(g)) | H(salt1) | H(salt2) | g_a | g_b | H(s) )
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from tgfleet.crypto.dh import check_dh_prime
from tgfleet.errors import SecurityError

PBKDF2_ITERATIONS = 100000


def _h(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def _pad(n: int) -> bytes:
    return n.to_bytes(256, "big")


def _int(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _utf8(password: bytes | str) -> bytes:
    return password.encode("utf-8") if isinstance(password, str) else bytes(password)


def _p_int(p: int | bytes) -> int:
    return p if isinstance(p, int) else _int(p)


def password_hash(password: bytes | str, salt1: bytes, salt2: bytes) -> bytes:
    """``x = PH2(password, salt1, salt2)`` (32 bytes; https://core.telegram.org/api/srp).

    ``PH1 = SH(SH(password, salt1), salt2)`` with ``SH(data, salt) = H(salt | data | salt)``, then
    ``PH2 = SH(pbkdf2(sha512, PH1, salt1, 100000), salt2)``. Costs about 0.1 s.
    """
    ph1 = _h(salt2, _h(salt1, _utf8(password), salt1), salt2)
    return _h(salt2, hashlib.pbkdf2_hmac("sha512", ph1, salt1, PBKDF2_ITERATIONS), salt2)


def compute_verifier(password: bytes | str, salt1: bytes, salt2: bytes, g: int, p: int | bytes) -> bytes:
    """``v = g^x mod p`` as 256 bytes: what a client sends as ``new_password_hash`` and a server stores."""
    pn = _p_int(p)
    return _pad(pow(g, _int(password_hash(password, salt1, salt2)), pn))


def new_password_salt(salt1: bytes, random: Callable[[int], bytes] = os.urandom) -> bytes:
    """Setting a password: "append 32 random bytes to new_algo.salt1" (https://core.telegram.org/api/srp)."""
    return salt1 + random(32)


def _k(p: int, g: int) -> int:
    """``k = H(p | g)``."""
    return _int(_h(_pad(p), _pad(g)))


def _u(g_a: bytes, g_b: bytes) -> int:
    """``u = H(g_a | g_b)``."""
    return _int(_h(g_a, g_b))


def _m1(p: int, g: int, salt1: bytes, salt2: bytes, g_a: bytes, g_b: bytes, s: int) -> bytes:
    """``M1 = H( (H(p) XOR H(g)) | H(salt1) | H(salt2) | g_a | g_b | H(s) )``."""
    hp, hg = _h(_pad(p)), _h(_pad(g))
    pg = bytes(a ^ b for a, b in zip(hp, hg, strict=True))
    return _h(pg, _h(salt1), _h(salt2), g_a, g_b, _h(_pad(s)))


def srp_client_proof(x: bytes, salt1: bytes, salt2: bytes, g: int, p: int, srp_b: bytes, a: int) -> tuple[bytes, bytes]:
    """``(A, M1)`` from an already computed ``x`` and the client secret ``a`` (no parameter checks).

    ``g_a = g^a mod p``; ``t = (g_b - k*v) mod p``; ``s_a = t^(a + u*x) mod p``;
    ``M1 = H((H(p) XOR H(g)) | H(salt1) | H(salt2) | g_a | g_b | H(s_a))``.
    """
    g_b = _int(srp_b)
    xn = _int(x)
    g_a = _pad(pow(g, a, p))
    u = _u(g_a, _pad(g_b))
    t = (g_b - _k(p, g) * pow(g, xn, p)) % p
    s_a = pow(t, a + u * xn, p)
    return g_a, _m1(p, g, salt1, salt2, g_a, _pad(g_b), s_a)


def srp_client_check(
    password: bytes | str,
    salt1: bytes,
    salt2: bytes,
    g: int,
    p_bytes: bytes,
    srp_b: bytes,
    random: Callable[[int], bytes] = os.urandom,
) -> tuple[bytes, bytes]:
    """Client side of ``auth.checkPassword``: ``(A, M1)`` (256 and 32 bytes) for inputCheckPasswordSRP.

    Checks p and g like the auth-key exchange (a safe 2048-bit prime, g a valid generator) and
    ``1 < g_b < p``; raises :class:`SecurityError` (``HandshakeError`` for p/g) otherwise.
    ``a`` = ``random(256)`` as a big-endian integer.
    """
    p = _int(p_bytes)
    check_dh_prime(p, g)
    g_b = _int(srp_b)
    if len(srp_b) > 256 or not 1 < g_b < p:
        raise SecurityError("srp_B is not in (1, p)")
    a = _int(random(256))
    return srp_client_proof(password_hash(password, salt1, salt2), salt1, salt2, g, p, srp_b, a)


# --- server side (the local test server) --------------------------------------------------------------


def server_b_public(v: bytes, g: int, p: int | bytes, b: int) -> bytes:
    """``g_b = (k*v + g^b) mod p`` as 256 bytes (the ``srp_B`` of account.password)."""
    pn = _p_int(p)
    return _pad((_k(pn, g) * _int(v) + pow(g, b, pn)) % pn)


def server_check(
    m1: bytes,
    srp_a: bytes,
    *,
    v: bytes,
    g: int,
    p: int | bytes,
    b: int,
    salt1: bytes,
    salt2: bytes,
) -> bool:
    """Server side of ``auth.checkPassword``: does the client's ``M1`` prove knowledge of the password?

    ``g_b`` is recomputed from ``b``; ``u = H(g_a | g_b)``; ``s_b = (g_a * v^u)^b mod p``; the expected M1
    uses ``H(s_b)`` and is compared in constant time. A malformed ``A`` (not 256 bytes, not in (1, p - 1),
    which would let a client force s_b = 0 or 1) also gives False.
    """
    pn = _p_int(p)
    g_a = _int(srp_a)
    if len(srp_a) != 256 or not 1 < g_a < pn - 1 or len(m1) != 32:
        return False
    g_b = server_b_public(v, g, pn, b)
    u = _u(srp_a, g_b)
    s_b = pow(g_a * pow(_int(v), u, pn) % pn, b, pn)
    return hmac.compare_digest(_m1(pn, g, salt1, salt2, srp_a, g_b, s_b), m1)


class SrpServer:
    """A pending password check of the test server: keeps ``b`` from account.getPassword to checkPassword."""

    __slots__ = ("b", "g", "g_b", "p", "salt1", "salt2", "v")

    def __init__(
        self,
        v: bytes,
        salt1: bytes,
        salt2: bytes,
        g: int,
        p: int | bytes,
        random: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.v, self.salt1, self.salt2, self.g, self.p = v, salt1, salt2, g, _p_int(p)
        self.b = _int(random(256))
        self.g_b = server_b_public(v, g, self.p, self.b)
        """``srp_B`` to send in account.password."""

    def check(self, srp_a: bytes, m1: bytes) -> bool:
        """True when ``(A, M1)`` proves the password (see :func:`server_check`)."""
        return server_check(m1, srp_a, v=self.v, g=self.g, p=self.p, b=self.b, salt1=self.salt1, salt2=self.salt2)
