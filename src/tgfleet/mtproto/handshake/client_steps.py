"""The client's side of the key exchange as pure functions (https://core.telegram.org/mtproto/auth_key).

Each function takes the decoded server object and the values of this run, checks everything the spec
and docs/security.md checks 1-10 require, and returns the next request plus what the following step needs.
Randomness is the ``random(n) -> bytes`` parameter, called in a fixed order, so a test can replay the
published example (``docs/test-vectors.md`` §1): nonce (16), new_nonce (32), RSA_PAD padding then
temp_key (32, repeated while the block is >= n), b (256), the padding of client_DH_inner_data (0..15).
:class:`~tgfleet.mtproto.handshake.client.ClientHandshake` strings them together. All failures raise
:class:`~tgfleet.errors.HandshakeError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tgfleet.crypto.aes import ige_decrypt, ige_encrypt
from tgfleet.crypto.dh import check_dh_prime, check_g_value, dh_shared_key, factorize_pq, generate_dh_pair, to_256
from tgfleet.crypto.kdf import AuthKey, new_nonce_hash, tmp_aes_key_iv, with_sha1
from tgfleet.crypto.rsa import RsaPublicKey, rsa_pad_encrypt
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake.common import MAX_ENCRYPTED, Random, be_bytes, be_int, open_with_sha1, same
from tgfleet.tl import mtproto as mt


@dataclass(frozen=True)
class PqStep:
    """resPQ, checked: the server_nonce, pq factored into p < q, and the server key we will encrypt for."""

    server_nonce: bytes
    pq: bytes
    p: int
    q: int
    key: RsaPublicKey


@dataclass(frozen=True)
class DhParams:
    """server_DH_inner_data after every mandatory check (auth_key step 6)."""

    g: int
    dh_prime: int
    g_a: int
    server_time: int


@dataclass(frozen=True)
class ClientDh:
    """set_client_DH_params to send and the auth key it implies (``auth_key = pow(g_a, b) mod dh_prime``)."""

    request: mt.SetClientDHParams
    auth_key: AuthKey = field(repr=False)


def make_req_pq(random: Random) -> mt.ReqPqMulti:
    """Step 1: ``req_pq_multi#be7e8ef1 nonce:int128`` with a random nonce."""
    return mt.ReqPqMulti(nonce=random(16))


def check_res_pq(res: mt.ResPQ, nonce: bytes, keys: Sequence[RsaPublicKey]) -> PqStep:
    """Step 2-3: resPQ's nonce is ours, pq factors into two distinct primes, and a fingerprint is one we hold.

    "pq is a representation of a natural number (in binary big endian format) ... a product of two different
    odd prime numbers" (normally <= 2^63-1); the client picks the first listed fingerprint it has a key for.
    """
    if not same(res.nonce, nonce):
        raise HandshakeError("resPQ nonce does not match the nonce of req_pq_multi")
    p, q = factorize_pq(be_int(res.pq, 8, "pq"))
    known = {key.fingerprint: key for key in keys}
    for fingerprint in res.server_public_key_fingerprints[:64]:
        if fingerprint in known:
            return PqStep(server_nonce=res.server_nonce, pq=res.pq, p=p, q=q, key=known[fingerprint])
    offered = ", ".join(f"{fp & 0xFFFFFFFFFFFFFFFF:#018x}" for fp in res.server_public_key_fingerprints[:16])
    raise HandshakeError(f"none of the server's RSA key fingerprints [{offered}] is a key we know")


def make_inner_data(
    step: PqStep, nonce: bytes, new_nonce: bytes, dc: int, expires_in: int | None
) -> mt.PQInnerDataDc | mt.PQInnerDataTempDc:
    """Step 4: ``p_q_inner_data_dc pq p q nonce server_nonce new_nonce dc`` (``_temp_dc ... dc expires_in``)."""
    p, q, sn = be_bytes(step.p), be_bytes(step.q), step.server_nonce
    if expires_in is None:
        return mt.PQInnerDataDc(pq=step.pq, p=p, q=q, nonce=nonce, server_nonce=sn, new_nonce=new_nonce, dc=dc)
    return mt.PQInnerDataTempDc(
        pq=step.pq, p=p, q=q, nonce=nonce, server_nonce=sn, new_nonce=new_nonce, dc=dc, expires_in=expires_in
    )


def make_req_dh_params(step: PqStep, nonce: bytes, encrypted_data: bytes) -> mt.ReqDHParams:
    """Step 5: ``req_DH_params nonce server_nonce p q public_key_fingerprint encrypted_data``."""
    return mt.ReqDHParams(
        nonce=nonce,
        server_nonce=step.server_nonce,
        p=be_bytes(step.p),
        q=be_bytes(step.q),
        public_key_fingerprint=step.key.fingerprint,
        encrypted_data=encrypted_data,
    )


def do_step2(
    res: mt.ResPQ, nonce: bytes, keys: Sequence[RsaPublicKey], dc: int, expires_in: int | None, random: Random
) -> tuple[mt.ReqDHParams, PqStep, bytes]:
    """Steps 2-5 in one: check resPQ, pick new_nonce, RSA_PAD-encrypt the inner data; returns the request,
    the checked resPQ and new_nonce. ``encrypted_data = RSA_PAD(p_q_inner_data_dc, server_public_key)``."""
    step = check_res_pq(res, nonce, keys)
    new_nonce = random(32)
    inner = make_inner_data(step, nonce, new_nonce, dc, expires_in).to_bytes()
    return make_req_dh_params(step, nonce, rsa_pad_encrypt(inner, step.key, random)), step, new_nonce


def open_dh_params(
    answer: mt.ServerDHParamsOk | mt.ServerDHParamsFail,
    nonce: bytes,
    server_nonce: bytes,
    new_nonce: bytes,
    random: Random,
) -> DhParams:
    """Step 6: decrypt and check server_DH_params_ok.

    ``answer_with_hash = AES256_IGE_decrypt(encrypted_answer, tmp_aes_key, tmp_aes_iv)``, whose first 20 bytes
    must be SHA1(answer) (padding excluded); nonces must match; dh_prime a safe 2048-bit prime; g in 2..7 with
    its congruence; ``1 < g_a < dh_prime - 1`` and ``2^(2048-64) < g_a < dh_prime - 2^(2048-64)``.
    ``random`` only picks Miller-Rabin bases when dh_prime is not a known one.
    """
    if isinstance(answer, mt.ServerDHParamsFail):
        raise HandshakeError("server answered server_DH_params_fail")
    if not (same(answer.nonce, nonce) and same(answer.server_nonce, server_nonce)):
        raise HandshakeError("server_DH_params_ok nonce or server_nonce does not match")
    size = len(answer.encrypted_answer)
    if not 0 < size <= MAX_ENCRYPTED or size % 16:
        raise HandshakeError(f"encrypted_answer of {size} bytes is not 16..{MAX_ENCRYPTED} in steps of 16")
    key, iv = tmp_aes_key_iv(new_nonce, server_nonce)
    answer_with_hash = ige_decrypt(answer.encrypted_answer, key, iv)
    inner = open_with_sha1(answer_with_hash, (mt.ServerDHInnerData,))
    if not (same(inner.nonce, nonce) and same(inner.server_nonce, server_nonce)):
        raise HandshakeError("server_DH_inner_data nonce or server_nonce does not match")
    if len(inner.dh_prime) != 256:
        raise HandshakeError(f"dh_prime must be 256 bytes, got {len(inner.dh_prime)}")
    dh_prime = int.from_bytes(inner.dh_prime, "big")
    check_dh_prime(dh_prime, inner.g, random=random)
    g_a = be_int(inner.g_a, 256, "g_a")
    check_g_value(g_a, dh_prime, "g_a")
    return DhParams(g=inner.g, dh_prime=dh_prime, g_a=g_a, server_time=inner.server_time)


def make_client_dh(
    dh: DhParams, nonce: bytes, server_nonce: bytes, new_nonce: bytes, retry_id: int, random: Random
) -> ClientDh:
    """Step 7-8: random 2048-bit b, ``g_b = pow(g, b) mod dh_prime`` (range-checked),
    ``encrypted_data = AES256_IGE(SHA1(data) + data + padding, tmp_aes_key, tmp_aes_iv)`` for
    ``data = client_DH_inner_data nonce server_nonce retry_id g_b``, and ``auth_key = pow(g_a, b) mod dh_prime``.
    ``retry_id`` is 0 the first time, else the previous auth_key_aux_hash as a signed int64.
    """
    b, g_b = generate_dh_pair(dh.g, dh.dh_prime, random)
    data = mt.ClientDHInnerData(nonce=nonce, server_nonce=server_nonce, retry_id=retry_id, g_b=to_256(g_b))
    key, iv = tmp_aes_key_iv(new_nonce, server_nonce)
    encrypted = ige_encrypt(with_sha1(data.to_bytes(), random), key, iv)
    request = mt.SetClientDHParams(nonce=nonce, server_nonce=server_nonce, encrypted_data=encrypted)
    return ClientDh(request=request, auth_key=AuthKey(dh_shared_key(dh.g_a, b, dh.dh_prime)))


def check_dh_gen(
    answer: mt.DhGenOk | mt.DhGenRetry | mt.DhGenFail,
    nonce: bytes,
    server_nonce: bytes,
    new_nonce: bytes,
    auth_key: AuthKey,
) -> bool:
    """Step 9: True for a verified dh_gen_ok, False for a verified dh_gen_retry; dh_gen_fail raises.

    ``new_nonce_hashN = substr(SHA1(new_nonce + byte(N) + auth_key_aux_hash), 4, 16)``, N = 1 ok, 2 retry,
    3 fail; compared in constant time.
    """
    if not (same(answer.nonce, nonce) and same(answer.server_nonce, server_nonce)):
        raise HandshakeError(f"{answer.QUALNAME} nonce or server_nonce does not match")
    if isinstance(answer, mt.DhGenOk):
        number, got = 1, answer.new_nonce_hash1
    elif isinstance(answer, mt.DhGenRetry):
        number, got = 2, answer.new_nonce_hash2
    else:
        number, got = 3, answer.new_nonce_hash3
    if not same(got, new_nonce_hash(new_nonce, number, auth_key.aux_hash)):
        raise HandshakeError(f"{answer.QUALNAME} new_nonce_hash{number} does not match")
    if number == 3:
        raise HandshakeError("server answered dh_gen_fail")
    return number == 1
