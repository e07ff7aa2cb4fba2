"""Diffie-Hellman of the auth-key exchange: pq factorization, prime/generator checks, secrets.

Sources: https://core.telegram.org/mtproto/auth_key (steps 3, 6-8) and
https://core.telegram.org/mtproto/security_guidelines ("Diffie-Hellman key exchange"). All checks raise
:class:`~tgfleet.errors.HandshakeError`.
"""

from __future__ import annotations

import importlib
import math
import os
from collections.abc import Callable
from types import ModuleType

from tgfleet.errors import HandshakeError


def _load_cryptg() -> ModuleType | None:
    try:
        return importlib.import_module("cryptg")
    except ImportError:  # pragma: no cover - depends on the environment
        return None


_cryptg = _load_cryptg()

DH_PRIME = int(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F"
    "48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37"
    "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"
    "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4"
    "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754"
    "FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"
    "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F"
    "0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B",
    16,
)
"""The 2048-bit safe prime Telegram publishes as the current dh_prime (/mtproto/auth_key); use g = 3."""
DH_G = 3
"""The generator Telegram sends with :data:`DH_PRIME`."""

_SMALL_PRIMES = tuple(n for n in range(3, 2000, 2) if all(n % d for d in range(3, math.isqrt(n) + 1, 2)))
_MR64_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)  # deterministic for n < 3.3e24
_KNOWN_SAFE_PRIMES: set[int] = {DH_PRIME}
_MAX_CACHE = 64
_RANGE = 1 << (2048 - 64)


def to_256(n: int) -> bytes:
    """A non-negative integer < 2^2048 as 256 big-endian bytes (how g_a, g_b, auth_key travel)."""
    return n.to_bytes(256, "big")


def _strong_probable_prime(n: int, a: int) -> bool:
    """One Miller-Rabin round: ``n - 1 = d * 2^s``; pass if ``a^d = 1`` or ``a^(d*2^r) = -1 (mod n)``."""
    d, s = n - 1, 0
    while not d & 1:
        d >>= 1
        s += 1
    x = pow(a, d, n)
    if x in (1, n - 1):
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def is_probable_prime(n: int, rounds: int = 20, random: Callable[[int], bytes] = os.urandom) -> bool:
    """Miller-Rabin: deterministic below 2^64 (first 12 prime bases), else base 2 + ``rounds`` random bases.

    Random bases (error <= 4^-rounds) because a hostile peer may choose ``n`` to fool fixed bases.
    """
    if n < 2:
        return False
    for p in (2, *_SMALL_PRIMES):
        if n % p == 0:
            return n == p
    if n < 2000 * 2000:
        return True
    if n < 1 << 64:
        return all(_strong_probable_prime(n, a) for a in _MR64_BASES)
    if not _strong_probable_prime(n, 2):
        return False
    size = (n.bit_length() + 7) // 8 + 8
    for _ in range(rounds):
        a = 2 + int.from_bytes(random(size), "big") % (n - 3)
        if not _strong_probable_prime(n, a):
            return False
    return True


# --- pq (https://core.telegram.org/mtproto/auth_key, step 3) -------------------------------------------


def _pollard_brent(n: int, max_steps: int = 1 << 22) -> int:
    """A non-trivial factor of the odd composite ``n`` (Brent's variant of Pollard's rho), or 0 if none."""
    steps = 0
    for c in range(1, 64):
        y, r, q, g = 2, 1, 1, 1
        x = ys = y
        while g == 1:
            x = y
            for _ in range(r):
                y = (y * y + c) % n
            k = 0
            while k < r and g == 1:
                ys = y
                for _ in range(min(128, r - k)):
                    y = (y * y + c) % n
                    q = q * abs(x - y) % n
                g = math.gcd(q, n)
                k += 128
            r *= 2
            steps += r
            if steps > max_steps:
                return 0
        if g == n:
            g = 1
            while g == 1:
                ys = (ys * ys + c) % n
                g = math.gcd(abs(x - ys), n)
        if g != n:
            return g
    return 0


def _native_factor(pq: int) -> int:
    if _cryptg is None:  # pragma: no cover
        return 0
    try:
        return int(_cryptg.factorize_pq_pair(pq)[0])
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException:  # cryptg panics (pyo3 PanicException is a BaseException) on some inputs
        return 0


def factorize_pq(pq: int, *, native: bool = True) -> tuple[int, int]:
    """Split ``pq`` (auth_key step 3: "a product of two distinct odd primes", < 2^64) into ``(p, q)``, p < q.

    Uses ``cryptg.factorize_pq_pair`` when importable and ``native`` is true (after checks that keep it away
    from the inputs on which it hangs or panics: primes, squares, small factors), else Pollard-Brent here.
    Raises :class:`HandshakeError` when ``pq`` is not such a product.
    """
    if not 15 <= pq < 1 << 64:
        raise HandshakeError(f"pq {pq} is outside 15..2^64-1")
    if not pq & 1:
        raise HandshakeError(f"pq {pq} is even")
    if is_probable_prime(pq):
        raise HandshakeError(f"pq {pq} is prime")
    if math.isqrt(pq) ** 2 == pq:
        raise HandshakeError(f"pq {pq} is a square")
    p = next((d for d in _SMALL_PRIMES if pq % d == 0), 0)
    if not p and native:
        p = _native_factor(pq)
    if not p:
        p = _pollard_brent(pq)
    if not 1 < p < pq or pq % p:
        raise HandshakeError(f"could not factorize pq {pq}")
    p, q = sorted((p, pq // p))
    if p == q or not is_probable_prime(p) or not is_probable_prime(q):
        raise HandshakeError(f"pq {pq} is not a product of two distinct primes")
    return p, q


# --- DH parameter checks (auth_key step 6, security_guidelines) -----------------------------------------


def _g_ok(g: int, p: int) -> bool:
    """g generates the subgroup of order (p-1)/2: "g = 2 -> p mod 8 = 7; 3 -> p mod 3 = 2; 4 -> any;
    5 -> p mod 5 in {1, 4}; 6 -> p mod 24 in {19, 23}; 7 -> p mod 7 in {3, 5, 6}"."""
    return {
        2: p % 8 == 7,
        3: p % 3 == 2,
        4: True,
        5: p % 5 in (1, 4),
        6: p % 24 in (19, 23),
        7: p % 7 in (3, 5, 6),
    }.get(g, False)


def _is_safe_prime(p: int, rounds: int, random: Callable[[int], bytes]) -> bool:
    """p and (p-1)/2 prime. (p-1)/2 by Miller-Rabin; then p by Pocklington: with q = (p-1)/2 prime and
    q > sqrt(p), ``2^(p-1) = 1 (mod p)`` and ``gcd(2^2 - 1, p) = 1`` prove p prime."""
    q = (p - 1) // 2
    if any(p % s == 0 or q % s == 0 for s in _SMALL_PRIMES):
        return False
    if pow(2, p - 1, p) != 1:  # cheap rejection of most composites p
        return False
    return is_probable_prime(q, rounds, random) and p % 3 != 0


def check_dh_prime(
    p: int, g: int, *, rounds: int = 20, random: Callable[[int], bytes] = os.urandom, cached: bool = True
) -> None:
    """Client check of ``server_DH_inner_data``'s (g, dh_prime) (auth_key step 6; docs/security.md checks 5-6).

    "dh_prime is a safe 2048-bit prime (p and (p-1)/2 prime, 2^2047 < p < 2^2048)" and g in 2..7 with the
    congruence that makes g a quadratic residue. Primes that passed (and :data:`DH_PRIME`) are cached;
    ``cached=False`` re-runs the primality test (about 0.6 s for 2048 bits). Raises :class:`HandshakeError`.
    """
    if not 1 << 2047 < p < 1 << 2048:
        raise HandshakeError(f"dh_prime is not a 2048-bit number ({p.bit_length()} bits)")
    if not _g_ok(g, p):
        raise HandshakeError(f"g = {g} does not generate the subgroup of order (p-1)/2 for this dh_prime")
    if cached and p in _KNOWN_SAFE_PRIMES:
        return
    if not _is_safe_prime(p, rounds, random):
        raise HandshakeError("dh_prime is not a safe prime")
    if len(_KNOWN_SAFE_PRIMES) < _MAX_CACHE:
        _KNOWN_SAFE_PRIMES.add(p)


def check_g_value(x: int, p: int, name: str = "g_a") -> None:
    """``1 < x < p - 1`` and ``2^(2048-64) < x < p - 2^(2048-64)`` for x in {g_a, g_b} (auth_key step 6/7).

    Raises :class:`HandshakeError` naming ``name``.
    """
    if not 1 < x < p - 1:
        raise HandshakeError(f"{name} is not in (1, dh_prime - 1)")
    if not _RANGE < x < p - _RANGE:
        raise HandshakeError(f"{name} is not in (2^1984, dh_prime - 2^1984)")


def generate_dh_secret(random: Callable[[int], bytes] = os.urandom) -> int:
    """A random 2048-bit secret (``a`` on the server, ``b`` on the client): 256 random bytes, big-endian."""
    return int.from_bytes(random(256), "big")


def generate_dh_pair(g: int, p: int, random: Callable[[int], bytes] = os.urandom) -> tuple[int, int]:
    """``(secret, g^secret mod p)`` with the public half passing :func:`check_g_value` (retried otherwise)."""
    for _ in range(64):
        secret = generate_dh_secret(random)
        public = pow(g, secret, p)
        if 1 < public < p - 1 and _RANGE < public < p - _RANGE:
            return secret, public
    raise HandshakeError("random source produced no usable DH secret in 64 tries")


def dh_shared_key(other_public: int, secret: int, p: int) -> bytes:
    """``auth_key = pow(g_a, b) mod dh_prime`` (server: ``pow(g_b, a)``), as 256 big-endian bytes (step 8)."""
    return to_256(pow(other_public, secret, p))
