"""SRP 2FA: docs/test-vectors.md §4 exactly, and a server/client round trip (PBKDF2 costs ~0.1 s a call)."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from tgfleet.crypto import srp
from tgfleet.crypto.dh import DH_PRIME
from tgfleet.errors import HandshakeError, SecurityError

from . import vectors as v
from .helpers import seeded

P = DH_PRIME
A_ONE = (1).to_bytes(256, "big")


@cache
def x41() -> bytes:
    return srp.password_hash(v.S41_PASSWORD, v.S41_SALT1, v.S41_SALT2)


def test_s41_intermediates() -> None:
    x = x41()
    assert x == v.S41_X
    assert srp._k(P, 3).to_bytes(32, "big") == v.S41_K
    g_a = (3).to_bytes(256, "big")
    assert srp._u(g_a, v.S41_SRP_B).to_bytes(32, "big") == v.S41_U
    verifier = pow(3, int.from_bytes(x, "big"), P)
    assert verifier.to_bytes(256, "big") == v.S41_V
    # s_a = (g_b - k*v)^(a + u*x) mod p with a = 1; k_a = H(s_a)
    t = (int.from_bytes(v.S41_SRP_B, "big") - int.from_bytes(v.S41_K, "big") * verifier) % P
    s_a = pow(t, 1 + int.from_bytes(v.S41_U, "big") * int.from_bytes(x, "big"), P)
    assert hashlib.sha256(s_a.to_bytes(256, "big")).digest() == v.S41_K_A


def test_s41_m1_exactly_with_a_equal_1() -> None:
    g_a, m1 = srp.srp_client_check(
        v.S41_PASSWORD, v.S41_SALT1, v.S41_SALT2, 3, v.DH_PRIME_BYTES, v.S41_SRP_B, lambda n: A_ONE
    )
    assert g_a == (3).to_bytes(256, "big")
    assert m1 == v.S41_M1
    assert srp.srp_client_proof(x41(), v.S41_SALT1, v.S41_SALT2, 3, P, v.S41_SRP_B, 1) == (g_a, m1)


def test_s41_verifier() -> None:
    assert srp.compute_verifier("123123", v.S41_SALT1, v.S41_SALT2, 3, v.DH_PRIME_BYTES) == v.S41_V


def test_s42_new_password_hash() -> None:
    salt1 = srp.new_password_salt(v.S42_SALT1, bytes)
    assert salt1 == v.S42_SALT1 + bytes(32)
    assert srp.compute_verifier(v.S42_PASSWORD, salt1, v.S42_SALT2, 3, P) == v.S42_V


def test_s43_mtcute_values() -> None:
    x = srp.password_hash(v.S43_PASSWORD, v.S43_SALT1, v.S43_SALT2)
    assert x == v.S43_X
    a = int.from_bytes(v.S43_A_SECRET, "big")
    g_a, m1 = srp.srp_client_proof(x, v.S43_SALT1, v.S43_SALT2, 3, P, v.S43_SRP_B, a)
    assert g_a == v.S43_G_A
    assert m1 == v.S43_M1_DOCUMENTED
    salt1 = srp.new_password_salt(v.S43_SALT1, lambda n: v.S43_NEW_SALT_RANDOM[:n])
    assert srp.compute_verifier(v.S43_NEW_PASSWORD, salt1, v.S43_SALT2, 3, P) == v.S43_V


def test_round_trip_server_and_client() -> None:
    salt1, salt2 = srp.new_password_salt(b"\x01" * 8, seeded(1)), seeded(2)(16)
    verifier = srp.compute_verifier("pässwörd", salt1, salt2, 3, P)
    server = srp.SrpServer(verifier, salt1, salt2, 3, v.DH_PRIME_BYTES, seeded(3))
    x_good = srp.password_hash("pässwörd".encode(), salt1, salt2)
    x_bad = srp.password_hash("password", salt1, salt2)

    g_a, m1 = srp.srp_client_proof(x_good, salt1, salt2, 3, P, server.g_b, int.from_bytes(seeded(4)(256), "big"))
    assert server.check(g_a, m1)
    g_a2, m1_2 = srp.srp_client_check("pässwörd", salt1, salt2, 3, v.DH_PRIME_BYTES, server.g_b, seeded(5))
    assert server.check(g_a2, m1_2)

    bad_a, bad_m1 = srp.srp_client_proof(x_bad, salt1, salt2, 3, P, server.g_b, 12345)
    assert not server.check(bad_a, bad_m1)
    assert not server.check(g_a, m1_2)  # M1 of another A
    tampered = bytes([m1[0] ^ 1]) + m1[1:]
    assert not server.check(g_a, tampered)


@pytest.mark.parametrize("g_a", [0, 1, P - 1, P, P + 1])
def test_server_rejects_degenerate_a(g_a: int) -> None:
    """A = 0 (mod p) would make s_b = 0 and let a client log in without the password."""
    verifier = pow(3, 12345, P).to_bytes(256, "big")
    server = srp.SrpServer(verifier, b"s1", b"s2", 3, P, seeded(9))
    a_bytes = g_a.to_bytes(257, "big")[-256:] if g_a < 1 << 2048 else g_a.to_bytes(257, "big")
    for s in (0, 1):  # the M1 a cheating client could compute for s_b = 0 or 1
        forged = srp._m1(P, 3, b"s1", b"s2", a_bytes, server.g_b, s)
        assert not server.check(a_bytes, forged)


def test_server_rejects_malformed_inputs() -> None:
    verifier = pow(3, 12345, P).to_bytes(256, "big")
    server = srp.SrpServer(verifier, b"s1", b"s2", 3, P, seeded(9))
    assert not server.check(b"\x05" * 255, bytes(32))
    assert not server.check(b"\x05" * 256, bytes(31))
    assert not server.check(b"", b"")


@pytest.mark.parametrize(
    ("g", "p_bytes", "srp_b", "error"),
    [
        (3, v.DH_PRIME_BYTES, bytes(256), SecurityError),
        (3, v.DH_PRIME_BYTES, (1).to_bytes(256, "big"), SecurityError),
        (3, v.DH_PRIME_BYTES, v.DH_PRIME_BYTES, SecurityError),
        (3, v.DH_PRIME_BYTES, b"\x01" + v.DH_PRIME_BYTES, SecurityError),
        (2, v.DH_PRIME_BYTES, v.S41_SRP_B, HandshakeError),
        (3, v.DH_PRIME_BYTES[:-1], v.S41_SRP_B, HandshakeError),
        (3, (P + 6).to_bytes(256, "big"), v.S41_SRP_B, HandshakeError),
    ],
)
def test_client_checks_parameters_before_hashing(
    g: int, p_bytes: bytes, srp_b: bytes, error: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(srp, "password_hash", lambda *a: pytest.fail("hashed before the checks"))
    with pytest.raises(error):
        srp.srp_client_check("x", b"s1", b"s2", g, p_bytes, srp_b)
