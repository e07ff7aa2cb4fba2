"""The server's side of the key exchange as pure functions (https://core.telegram.org/mtproto/auth_key).

The mirror of ``client_steps``: build resPQ, open and check req_DH_params (RSA_PAD or the legacy SHA1
scheme; p_q_inner_data_dc, _temp_dc, and the legacy p_q_inner_data / _temp without a dc), build
server_DH_params_ok, open and check set_client_DH_params, build dh_gen_ok/retry/fail. Every input size is
bounded before any arithmetic. All failures raise :class:`~tgfleet.errors.HandshakeError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.crypto.dh import check_g_value, is_probable_prime, to_256
from tgfleet.crypto.kdf import AuthKey, new_nonce_hash, tmp_aes_key_iv, with_sha1
from tgfleet.crypto.rsa import RsaPrivateKey, decrypt_inner_data
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake.common import MAX_ENCRYPTED, Random, be_bytes, be_int, open_with_sha1, read_prefix, same
from tgfleet.tl import mtproto as mt

PRIME_LOW = 1 << 30
"""Smallest p or q the server picks (31 bits, like Telegram's)."""
PRIME_HIGH = math.isqrt((1 << 63) - 1)
"""Largest p or q the server picks (32 bits), so that pq <= 2^63 - 1."""
INNER_DATA_TYPES = (mt.PQInnerDataDc, mt.PQInnerDataTempDc, mt.PQInnerData, mt.PQInnerDataTemp)
"""The inner data a server accepts: p_q_inner_data_dc, _temp_dc, and the legacy p_q_inner_data, _temp."""


@dataclass(frozen=True)
class InnerData:
    """The checked p_q_inner_data*: new_nonce, the dc asked for (None if legacy), expires_in (temp keys)."""

    new_nonce: bytes
    dc: int | None
    expires_in: int | None
    name: str


def random_prime(random: Random, low: int = PRIME_LOW, high: int = PRIME_HIGH) -> int:
    """A random prime in ``[low, high]`` (< 2^64, where Miller-Rabin with fixed bases is exact)."""
    for _ in range(10_000):
        n = (low + int.from_bytes(random(8), "big") % (high - low + 1)) | 1
        if n <= high and is_probable_prime(n):
            return n
    raise HandshakeError("random source produced no prime")


def make_pq(random: Random) -> tuple[int, int]:
    """Two distinct random primes ``p < q`` of 31-32 bits with ``pq = p * q <= 2^63 - 1`` (auth_key step 2)."""
    p = random_prime(random)
    for _ in range(100):
        q = random_prime(random)
        if q != p:
            return (p, q) if p < q else (q, p)
    raise HandshakeError("random source produced no second prime")


def make_res_pq(nonce: bytes, server_nonce: bytes, pq: int, fingerprints: Sequence[int]) -> mt.ResPQ:
    """Step 2: ``resPQ nonce server_nonce pq:bytes server_public_key_fingerprints:Vector<long>``."""
    return mt.ResPQ(
        nonce=nonce, server_nonce=server_nonce, pq=be_bytes(pq), server_public_key_fingerprints=list(fingerprints)
    )


def _p_q(p_bytes: bytes, q_bytes: bytes, pq: int, where: str) -> tuple[int, int]:
    p, q = be_int(p_bytes, 8, f"{where} p"), be_int(q_bytes, 8, f"{where} q")
    if p == 1:
        raise HandshakeError(f"{where}: p = 1 is not a factor of pq")
    if p * q != pq:
        raise HandshakeError(f"{where}: p * q != pq")
    if not p < q:
        raise HandshakeError(f"{where}: p is not smaller than q")
    return p, q


def open_req_dh_params(
    req: mt.ReqDHParams, *, nonce: bytes, server_nonce: bytes, pq: int, keys: Mapping[int, RsaPrivateKey]
) -> InnerData:
    """Steps 4-5, server side: nonces, ``p * q == pq`` with p < q, a fingerprint of ours, then decrypt
    ``encrypted_data`` (RSA_PAD, else ``RSA(SHA1(data) + data + padding)``) and check that the inner data
    repeats pq, p, q, nonce and server_nonce. The dc is returned, not judged (see :func:`dc_problem`)."""
    if not (same(req.nonce, nonce) and same(req.server_nonce, server_nonce)):
        raise HandshakeError("req_DH_params nonce or server_nonce does not match")
    p, q = _p_q(req.p, req.q, pq, "req_DH_params")
    key = keys.get(req.public_key_fingerprint)
    if key is None:
        fingerprint = req.public_key_fingerprint & 0xFFFFFFFFFFFFFFFF
        raise HandshakeError(f"req_DH_params names RSA key {fingerprint:#018x}, which this server does not have")
    data = decrypt_inner_data(req.encrypted_data, key)
    obj, _ = read_prefix(data, 0, INNER_DATA_TYPES)
    inner = cast("mt.PQInnerDataDc | mt.PQInnerDataTempDc | mt.PQInnerData | mt.PQInnerDataTemp", obj)
    if not (same(inner.nonce, nonce) and same(inner.server_nonce, server_nonce)):
        raise HandshakeError(f"{inner.QUALNAME} nonce or server_nonce does not match")
    if be_int(inner.pq, 8, "pq") != pq or _p_q(inner.p, inner.q, pq, inner.QUALNAME) != (p, q):
        raise HandshakeError(f"{inner.QUALNAME} pq, p or q differ from req_DH_params")
    dc = inner.dc if isinstance(inner, (mt.PQInnerDataDc, mt.PQInnerDataTempDc)) else None
    expires_in = inner.expires_in if isinstance(inner, (mt.PQInnerDataTempDc, mt.PQInnerDataTemp)) else None
    if expires_in is not None and expires_in <= 0:
        raise HandshakeError(f"temporary key expires_in must be positive, got {expires_in}")
    return InnerData(new_nonce=inner.new_nonce, dc=dc, expires_in=expires_in, name=inner.QUALNAME)


def dc_problem(dc: int | None, expected: int) -> str | None:
    """Why ``dc`` (from p_q_inner_data_dc) is wrong for a server whose wire dc is ``expected`` (+10000 in
    test mode), or None. Media DCs ask with ``-expected``; legacy inner data carries no dc."""
    if dc is None or dc in (expected, -expected):
        return None
    return f"client asked for dc {dc}, this server is dc {expected}"


def encrypt_answer(answer: bytes, new_nonce: bytes, server_nonce: bytes, random: Random) -> bytes:
    """``encrypted_answer = AES256_IGE(SHA1(answer) + answer + (0-15 random bytes), tmp_aes_key, tmp_aes_iv)``."""
    key, iv = tmp_aes_key_iv(new_nonce, server_nonce)
    return ige_encrypt(with_sha1(answer, random), key, iv)


def make_dh_params_ok(
    *,
    nonce: bytes,
    server_nonce: bytes,
    new_nonce: bytes,
    g: int,
    dh_prime: int,
    g_a: int,
    server_time: int,
    random: Random,
) -> mt.ServerDHParamsOk:
    """Step 6: ``server_DH_params_ok nonce server_nonce encrypted_answer`` with
    ``answer = server_DH_inner_data nonce server_nonce g dh_prime g_a server_time``."""
    answer = mt.ServerDHInnerData(
        nonce=nonce, server_nonce=server_nonce, g=g, dh_prime=to_256(dh_prime), g_a=to_256(g_a), server_time=server_time
    )
    encrypted = encrypt_answer(answer.to_bytes(), new_nonce, server_nonce, random)
    return mt.ServerDHParamsOk(nonce=nonce, server_nonce=server_nonce, encrypted_answer=encrypted)


def open_client_dh(
    req: mt.SetClientDHParams, *, nonce: bytes, server_nonce: bytes, new_nonce: bytes, dh_prime: int
) -> tuple[int, int]:
    """Step 7, server side: decrypt ``encrypted_data`` with tmp_aes_key/iv, check ``SHA1(data)`` and the
    nonces of ``client_DH_inner_data``, and ``2^(2048-64) < g_b < dh_prime - 2^(2048-64)``.
    Returns ``(retry_id, g_b)``."""
    if not (same(req.nonce, nonce) and same(req.server_nonce, server_nonce)):
        raise HandshakeError("set_client_DH_params nonce or server_nonce does not match")
    size = len(req.encrypted_data)
    if not 0 < size <= MAX_ENCRYPTED or size % 16:
        raise HandshakeError(f"encrypted_data of {size} bytes is not 16..{MAX_ENCRYPTED} in steps of 16")
    key, iv = tmp_aes_key_iv(new_nonce, server_nonce)
    data_with_hash = ige_decrypt(req.encrypted_data, key, iv)
    inner = open_with_sha1(data_with_hash, (mt.ClientDHInnerData,))
    if not (same(inner.nonce, nonce) and same(inner.server_nonce, server_nonce)):
        raise HandshakeError("client_DH_inner_data nonce or server_nonce does not match")
    g_b = be_int(inner.g_b, 256, "g_b")
    check_g_value(g_b, dh_prime, "g_b")
    return inner.retry_id, g_b


def make_dh_gen(
    number: int, nonce: bytes, server_nonce: bytes, new_nonce: bytes, auth_key: AuthKey
) -> mt.DhGenOk | mt.DhGenRetry | mt.DhGenFail:
    """Step 9: dh_gen_ok (1), dh_gen_retry (2) or dh_gen_fail (3) with
    ``new_nonce_hashN = substr(SHA1(new_nonce + byte(N) + auth_key_aux_hash), 4, 16)``."""
    digest = new_nonce_hash(new_nonce, number, auth_key.aux_hash)
    if number == 1:
        return mt.DhGenOk(nonce=nonce, server_nonce=server_nonce, new_nonce_hash1=digest)
    if number == 2:
        return mt.DhGenRetry(nonce=nonce, server_nonce=server_nonce, new_nonce_hash2=digest)
    return mt.DhGenFail(nonce=nonce, server_nonce=server_nonce, new_nonce_hash3=digest)
