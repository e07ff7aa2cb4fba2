"""Shared pieces of the handshake tests: the test RSA key, a pair runner, and hand-driven peers.

``HandClient`` and ``HandServer`` build each packet from the pure step functions and let a test mutate
any TL object before it is encrypted or sent, so a single field can be tampered with (docs/security.md checks 1-10).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tgfleet.crypto.aes import ige_encrypt
from tgfleet.crypto.dh import DH_G, DH_PRIME, dh_shared_key, generate_dh_pair
from tgfleet.crypto.kdf import AuthKey, tmp_aes_key_iv, with_sha1
from tgfleet.crypto.rsa import RsaPrivateKey, decrypt_inner_data, rsa_pad_encrypt
from tgfleet.mtproto.handshake import (
    ClientHandshake,
    HandshakeResult,
    ServerHandshake,
    ServerHandshakeResult,
    TransportReject,
)
from tgfleet.mtproto.handshake import client_steps as cs
from tgfleet.mtproto.handshake import server_steps as ss
from tgfleet.mtproto.handshake.common import read_prefix
from tgfleet.mtproto.plain import pack_plain, unpack_plain
from tgfleet.tl import decode
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.base import TLObject

from ...crypto.helpers import seeded

KEY = RsaPrivateKey.from_pem((Path(__file__).parents[2] / "crypto" / "test_only_rsa_key.pem").read_text())
"""The repository's test-only 2048-bit key pair (never a real server's)."""
NOW = 1_700_000_000.25
Mutate = Callable[[Any], None]


def _noop(_: Any) -> None:
    return None


def packet(obj: TLObject, msg_id: int = (1_700_000_000 << 32) | 4) -> bytes:
    """An unencrypted message carrying ``obj``."""
    return pack_plain(msg_id, obj.to_bytes())


def body(data: bytes) -> Any:
    """The TL object inside an unencrypted message."""
    return decode(unpack_plain(data)[1])


def run_pair(
    client: ClientHandshake, server: ServerHandshake, now: float = NOW, skew: float = 0.0
) -> tuple[HandshakeResult, ServerHandshakeResult]:
    """Wire both roles together in memory until both are done; ``skew`` = client clock - server clock."""
    out: bytes | HandshakeResult = client.start(now + skew)
    server_result = None
    for _ in range(20):
        assert isinstance(out, bytes)
        reply = server.receive(out, now)
        assert not isinstance(reply, TransportReject), reply
        if isinstance(reply, ServerHandshakeResult):
            server_result, reply = reply, reply.reply
        out = client.receive(reply, now + skew)
        if isinstance(out, HandshakeResult):
            assert server_result is not None
            return out, server_result
    raise AssertionError("handshake did not finish")


def inner_of(req: mt.ReqDHParams, key: RsaPrivateKey = KEY) -> Any:
    """Decrypt a req_DH_params' inner data with the server's private key (what a server holding it sees)."""
    obj, _ = read_prefix(decrypt_inner_data(req.encrypted_data, key), 0, ss.INNER_DATA_TYPES)
    return obj


class HandClient:
    """A client driven by hand against a real ServerHandshake, for server-side tamper tests."""

    def __init__(self, server: ServerHandshake, seed: int = 1, now: float = NOW) -> None:
        self.server, self.now, self.random = server, now, seeded(seed)
        self.nonce = self.random(16)
        res = body(self._send(packet(mt.ReqPqMulti(nonce=self.nonce))))
        self.step = cs.check_res_pq(res, self.nonce, [KEY.public])
        self.new_nonce = self.random(32)
        self.dh: cs.DhParams | None = None

    def _send(self, data: bytes) -> Any:
        reply = self.server.receive(data, self.now)
        return reply.reply if isinstance(reply, ServerHandshakeResult) else reply

    def req_dh_params(
        self,
        inner: TLObject | None = None,
        mutate_inner: Mutate = _noop,
        mutate: Mutate = _noop,
        encrypt: Callable[..., bytes] = rsa_pad_encrypt,
        dc: int = 2,
    ) -> bytes:
        """The req_DH_params packet (p_q_inner_data_dc unless ``inner`` is given), after the mutations."""
        inner = inner or cs.make_inner_data(self.step, self.nonce, self.new_nonce, dc, None)
        mutate_inner(inner)
        req = cs.make_req_dh_params(self.step, self.nonce, encrypt(inner.to_bytes(), self.step.key, self.random))
        mutate(req)
        return packet(req)

    def open_dh(self, reply: bytes) -> cs.DhParams:
        self.dh = cs.open_dh_params(body(reply), self.nonce, self.step.server_nonce, self.new_nonce, self.random)
        return self.dh

    def set_client_dh_params(
        self, retry_id: int = 0, mutate_inner: Mutate = _noop, mutate: Mutate = _noop, hash_ok: bool = True
    ) -> bytes:
        """The set_client_DH_params packet, client_DH_inner_data mutated before encryption."""
        assert self.dh is not None
        b, g_b = generate_dh_pair(self.dh.g, self.dh.dh_prime, self.random)
        self.auth_key = AuthKey(dh_shared_key(self.dh.g_a, b, self.dh.dh_prime))
        sn = self.step.server_nonce
        data = mt.ClientDHInnerData(nonce=self.nonce, server_nonce=sn, retry_id=retry_id, g_b=g_b.to_bytes(256, "big"))
        mutate_inner(data)
        plain = with_sha1(data.to_bytes(), self.random)
        if not hash_ok:
            plain = bytes([plain[0] ^ 1]) + plain[1:]
        key, iv = tmp_aes_key_iv(self.new_nonce, sn)
        req = mt.SetClientDHParams(nonce=self.nonce, server_nonce=sn, encrypted_data=ige_encrypt(plain, key, iv))
        mutate(req)
        return packet(req)

    def through_dh(self) -> bytes:
        """Run req_DH_params honestly; return the server's server_DH_params_ok packet."""
        reply: bytes = self._send(self.req_dh_params())
        self.open_dh(reply)
        return reply


class HandServer:
    """A server driven by hand against a real ClientHandshake (it holds KEY, so it sees new_nonce)."""

    def __init__(self, client: ClientHandshake, seed: int = 2, now: float = NOW) -> None:
        self.client, self.now, self.random = client, now, seeded(seed)
        self.nonce = body(client.start(now)).nonce
        self.server_nonce = self.random(16)
        self.p, self.q = ss.make_pq(self.random)
        self.g, self.dh_prime = DH_G, DH_PRIME
        self.a, self.g_a = generate_dh_pair(self.g, self.dh_prime, self.random)

    def res_pq(self, mutate: Mutate = _noop) -> bytes:
        res = ss.make_res_pq(self.nonce, self.server_nonce, self.p * self.q, [KEY.public.fingerprint])
        mutate(res)
        return packet(res)

    def feed_res_pq(self) -> None:
        """Send an honest resPQ and learn new_nonce from the client's req_DH_params."""
        req = body(self.client.receive(self.res_pq(), self.now))
        self.new_nonce = inner_of(req).new_nonce

    def dh_params_ok(
        self,
        mutate_inner: Mutate = _noop,
        mutate: Mutate = _noop,
        hash_ok: bool = True,
        server_time: int = 1_700_000_000,
    ) -> bytes:
        """server_DH_params_ok with server_DH_inner_data mutated before encryption."""
        inner = mt.ServerDHInnerData(
            nonce=self.nonce,
            server_nonce=self.server_nonce,
            g=self.g,
            dh_prime=self.dh_prime.to_bytes(256, "big"),
            g_a=self.g_a.to_bytes(256, "big"),
            server_time=server_time,
        )
        mutate_inner(inner)
        plain = with_sha1(inner.to_bytes(), self.random)
        if not hash_ok:
            plain = bytes([plain[0] ^ 1]) + plain[1:]
        key, iv = tmp_aes_key_iv(self.new_nonce, self.server_nonce)
        ok = mt.ServerDHParamsOk(
            nonce=self.nonce, server_nonce=self.server_nonce, encrypted_answer=ige_encrypt(plain, key, iv)
        )
        mutate(ok)
        return packet(ok)

    def feed_dh_params(self) -> None:
        """Send an honest server_DH_params_ok and compute the auth key from the client's answer."""
        req = body(self.client.receive(self.dh_params_ok(), self.now))
        self.take_client_dh(req)

    def take_client_dh(self, req: mt.SetClientDHParams) -> None:
        _, g_b = ss.open_client_dh(
            req, nonce=self.nonce, server_nonce=self.server_nonce, new_nonce=self.new_nonce, dh_prime=self.dh_prime
        )
        self.auth_key = AuthKey(dh_shared_key(g_b, self.a, self.dh_prime))

    def dh_gen(self, number: int = 1, mutate: Mutate = _noop) -> bytes:
        answer = ss.make_dh_gen(number, self.nonce, self.server_nonce, self.new_nonce, self.auth_key)
        mutate(answer)
        return packet(answer)
