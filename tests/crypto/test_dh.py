"""DH of the auth-key exchange: docs/test-vectors.md §1 values, safe prime and g checks, g_a/g_b ranges, pq
factorization."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet.crypto import dh
from tgfleet.errors import HandshakeError

from . import vectors as v
from .helpers import seeded

# A 2048-bit prime p with p mod 3 = 2 whose (p-1)/2 is composite (a factor of a throwaway RSA-4096 key).
NOT_SAFE_PRIME = int(
    "e24499af2254b2fb9c78a0175018de8f036f758d8dc4a9482ba9c9d45bf71a151eac62cc2a063bead0ca33f12ae23ab4"
    "a6d7fbf2320fd9135d57c251388d6038065bb7b8f0d15237897f6ea13cc7f14314ee35756a1dd594df201344cf7b672b"
    "fb7a1e6fd91020aeff9251b44ce344d589fb3096ec07dcc5573cf5b9f7faf06d98967d8cdd1129f34c10f1cd60400d8b"
    "9333399af89ed0279fa9233f2e5a5661e5f4cc94ff07e40e9b9fab653abf10f27314b892355a057473469ed068e9ed50"
    "b34a189181d5fed0b9aaeb200d9c51199facf7a4806b24410e0a89031ff6df15d5fd6d6e81e126f0de407bf0a0898078"
    "d15f2afb0e0b2989478fdf37f3e98d8b",
    16,
)
P = dh.DH_PRIME


# --- §1 ------------------------------------------------------------------------------------------------


def test_published_prime_and_s1_values() -> None:
    assert dh.to_256(P) == v.DH_PRIME_BYTES
    assert v.DH_PRIME_BYTES in v.S1_ANSWER_WITH_HASH
    assert dh.DH_G == v.S1_G
    b = int.from_bytes(v.S1_B, "big")
    g_a = int.from_bytes(v.S1_G_A, "big")
    g_b = pow(v.S1_G, b, P)
    assert dh.to_256(g_b) == v.S1_G_B
    dh.check_g_value(g_a, P, "g_a")
    dh.check_g_value(g_b, P, "g_b")
    assert dh.dh_shared_key(g_a, b, P) == v.S1_AUTH_KEY
    assert dh.generate_dh_secret(lambda n: v.S1_B[:n]) == b


def test_s1_pq_factorization_native_and_pure() -> None:
    assert dh.factorize_pq(v.S1_PQ) == (v.S1_P, v.S1_Q)
    assert dh.factorize_pq(v.S1_PQ, native=False) == (v.S1_P, v.S1_Q)


def test_published_prime_passes_the_full_check() -> None:
    dh.check_dh_prime(P, 3, cached=False)  # Miller-Rabin on (p-1)/2 + Pocklington on p, about 0.6 s


def test_cache_skips_the_primality_test(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake(p: int, rounds: int, random: object) -> bool:
        calls.append(p)
        return True

    monkeypatch.setattr(dh, "_is_safe_prime", fake)
    monkeypatch.setattr(dh, "_KNOWN_SAFE_PRIMES", {P})
    dh.check_dh_prime(P, 3)
    assert calls == []
    other = NOT_SAFE_PRIME  # pretend it passed
    dh.check_dh_prime(other, 3)
    dh.check_dh_prime(other, 3)
    assert calls == [other]


# --- dh_prime and g -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "g", "problem"),
    [
        (P >> 1, 3, "2048-bit"),
        (P << 1, 3, "2048-bit"),
        (1 << 2047, 4, "2048-bit"),
        ((1 << 2048) + 7, 4, "2048-bit"),
        (P, 2, "g = 2"),  # P mod 8 = 3
        (P, 5, "g = 5"),
        (P, 1, "g = 1"),
        (P, 8, "g = 8"),
        (P + 6, 3, "safe prime"),  # still 2 mod 3, not prime
        (P + 2 * 3 * 5 * 7, 4, "safe prime"),
        (NOT_SAFE_PRIME, 3, "safe prime"),
    ],
    ids=lambda x: f"{x:#x}"[:12] if isinstance(x, int) else None,
)
def test_bad_dh_params(p: int, g: int, problem: str) -> None:
    with pytest.raises(HandshakeError, match=problem):
        dh.check_dh_prime(p, g, cached=False)


@pytest.mark.parametrize(
    ("g", "residues", "modulus"),
    [(2, {7}, 8), (3, {2}, 3), (5, {1, 4}, 5), (6, {19, 23}, 24), (7, {3, 5, 6}, 7)],
)
def test_generator_congruences(g: int, residues: set[int], modulus: int) -> None:
    for r in range(modulus):
        p = (1 << 2047) + ((r - (1 << 2047)) % modulus)
        assert p % modulus == r
        assert dh._g_ok(g, p) == (r in residues)
    assert dh._g_ok(4, P)


def test_g_value_ranges() -> None:
    low = 1 << 1984
    for bad in (0, 1, 2, low, P - low, P - 2, P - 1, P, P + 5):
        with pytest.raises(HandshakeError, match="g_b"):
            dh.check_g_value(bad, P, "g_b")
    dh.check_g_value(low + 1, P)
    dh.check_g_value(P - low - 1, P)


def test_generate_dh_pair() -> None:
    secret, public = dh.generate_dh_pair(3, P, seeded(7))
    assert public == pow(3, secret, P)
    dh.check_g_value(public, P)
    with pytest.raises(HandshakeError, match="64 tries"):
        dh.generate_dh_pair(3, P, bytes)  # all-zero secrets give g^0 = 1


# --- primality ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n",
    [
        2,
        3,
        5,
        1999,
        2003,
        3_999_971,
        4_000_037,
        2**31 - 1,
        2**61 - 1,
        18446744073709551557,
        2**127 - 1,
        2**521 - 1,
    ],
)
def test_primes(n: int) -> None:
    assert dh.is_probable_prime(n)


@pytest.mark.parametrize(
    "n",
    [
        -7, 0, 1, 4, 561, 41041, 1999 * 2003,
        3215031751,  # strong pseudoprime to bases 2, 3, 5, 7
        3825123056546413051,  # strong pseudoprime to bases 2..23
        (2**61 - 1) * (2**31 - 1), (2**127 - 1) * (2**89 - 1), (2**521 - 1) ** 2,
    ],
)  # fmt: skip
def test_composites(n: int) -> None:
    assert not dh.is_probable_prime(n)


# --- pq factorization ------------------------------------------------------------------------------


def _primes(bits: int, count: int) -> list[int]:
    out: list[int] = []
    n = (1 << (bits - 1)) + 1
    while len(out) < count:
        if dh.is_probable_prime(n):
            out.append(n)
        n += 2
    return out


PRIMES = _primes(32, 6) + _primes(31, 6) + _primes(20, 4) + [3, 5, 7, 1999, 2003]


@settings(max_examples=40, deadline=None)
@given(p=st.sampled_from(PRIMES), q=st.sampled_from(PRIMES), native=st.booleans())
def test_factorize_products_of_two_primes(p: int, q: int, native: bool) -> None:
    if p == q:
        with pytest.raises(HandshakeError, match=r"square|outside"):
            dh.factorize_pq(p * q, native=native)
    else:
        assert dh.factorize_pq(p * q, native=native) == (min(p, q), max(p, q))


@pytest.mark.parametrize("native", [True, False])
def test_factorize_near_the_limit(native: bool) -> None:
    p, q = 4294967291, 4294967279  # the two largest 32-bit primes
    assert dh.factorize_pq(p * q, native=native) == (q, p)


@pytest.mark.parametrize(
    ("pq", "problem"),
    [
        (-15, "outside"),
        (0, "outside"),
        (9, "outside"),
        (1 << 64, "outside"),
        (2 * 1780931429, "even"),
        (1780931429, "prime"),
        (18446744073709551557, "prime"),
        (1513098571**2, "square"),
        (3 * 5 * 7, "two distinct primes"),
        (3 * 1513098571 * 7, "two distinct primes"),
        (1000003 * 1000033 * 1000037, "two distinct primes"),
        (2003**3, "two distinct primes"),
        (65537**3, "two distinct primes"),
    ],
)
@pytest.mark.parametrize("native", [True, False])
def test_factorize_rejects(pq: int, problem: str, native: bool) -> None:
    with pytest.raises(HandshakeError, match=problem):
        dh.factorize_pq(pq, native=native)


def test_factorize_when_native_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):
        pass

    class FakeCryptg:
        @staticmethod
        def factorize_pq_pair(pq: int) -> tuple[int, int]:
            raise Panic("failed to factorize in a fixed amount of attempts")

    monkeypatch.setattr(dh, "_cryptg", FakeCryptg)
    assert dh.factorize_pq(v.S1_PQ) == (v.S1_P, v.S1_Q)


def test_pollard_brent_step_limit() -> None:
    assert dh._pollard_brent(4294967291 * 4294967279, max_steps=10) == 0
