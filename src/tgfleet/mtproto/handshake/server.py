"""The server role of the auth-key exchange as a sans-IO state machine (https://core.telegram.org/mtproto/auth_key).

One ServerHandshake per connection (the sandbox creates it for an unencrypted packet)::

    hs = ServerHandshake([private_key], dc_id=2, key_exists=lambda key_id: key_id in keys)
    try:
        out = hs.receive(packet, now=time.time())
    except HandshakeError:
        send_transport_error(-404); close()            # malformed or hostile request
    if isinstance(out, TransportReject):
        send_transport_error(out.code); close()        # -444: wrong (test/production) dc
    elif isinstance(out, ServerHandshakeResult):
        store(out.auth_key); send(out.reply)           # dh_gen_ok
    else:
        send(out)                                      # resPQ / server_DH_params_ok / dh_gen_retry / dh_gen_fail

Answers req_pq_multi and the deprecated req_pq (in any state: a new req_pq starts over), accepts RSA_PAD and
the legacy SHA1 RSA scheme, p_q_inner_data_dc / _temp_dc and the legacy p_q_inner_data / _temp, and answers
an identical repeat of the last request with the same packet. After a HandshakeError every later packet
raises again ("keeps answering -404").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import cast

from tgfleet.crypto.dh import DH_G, DH_PRIME, dh_shared_key, generate_dh_pair
from tgfleet.crypto.kdf import AuthKey, first_server_salt
from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake.common import (
    MAX_RETRIES,
    Random,
    ServerHandshakeResult,
    TransportReject,
    read_plain,
    same,
    wire_dc,
)
from tgfleet.mtproto.handshake.server_steps import (
    InnerData,
    dc_problem,
    make_dh_gen,
    make_dh_params_ok,
    make_pq,
    make_res_pq,
    open_client_dh,
    open_req_dh_params,
)
from tgfleet.mtproto.msgid import SERVER, MsgIdGenerator
from tgfleet.mtproto.plain import pack_plain
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.base import TLObject

WAIT_REQ_PQ = "wait_req_pq"
WAIT_REQ_DH = "wait_req_dh_params"
WAIT_SET_CLIENT = "wait_set_client_dh_params"
DONE = "done"
FAILED = "failed"

Request = mt.ReqPqMulti | mt.ReqPq | mt.ReqDHParams | mt.SetClientDHParams
_REQUESTS = (mt.ReqPqMulti, mt.ReqPq, mt.ReqDHParams, mt.SetClientDHParams)
Reply = bytes | ServerHandshakeResult | TransportReject


class ServerHandshake:
    """Creates auth keys for clients of one DC. ``dc_id`` is the plain DC number (+10000 in ``test_mode``).

    ``key_exists(auth_key_id)`` says whether an auth_key_id is taken (then the client is told dh_gen_retry).
    ``dh_prime``/``g`` are not checked for safety here (a test may configure a bad one on purpose).
    """

    __slots__ = (
        "_a",
        "_dc",
        "_dh_prime",
        "_g",
        "_inner",
        "_key_exists",
        "_keys",
        "_last",
        "_msg_ids",
        "_nonce",
        "_pq",
        "_random",
        "_retries",
        "_retry_id",
        "_server_nonce",
        "_server_time",
        "_state",
    )

    def __init__(
        self,
        private_keys: RsaPrivateKey | Sequence[RsaPrivateKey],
        *,
        dc_id: int,
        test_mode: bool = False,
        dh_prime: int = DH_PRIME,
        g: int = DH_G,
        random: Random = os.urandom,
        key_exists: Callable[[int], bool] | None = None,
        msg_ids: MsgIdGenerator | None = None,
    ) -> None:
        keys = [private_keys] if isinstance(private_keys, RsaPrivateKey) else list(private_keys)
        if not keys or any((k.public.n.bit_length() + 7) // 8 != 256 for k in keys):
            raise ValueError("ServerHandshake needs at least one RSA key, each with a 2048-bit modulus")
        if not (1 << 2047 < dh_prime < 1 << 2048 and 1 < g < dh_prime - 1):
            raise ValueError("dh_prime must be a 2048-bit number and 1 < g < dh_prime - 1")
        self._keys = {k.public.fingerprint: k for k in keys}
        self._dc = wire_dc(dc_id, test_mode=test_mode, media=False)
        self._dh_prime, self._g = dh_prime, g
        self._random = random
        self._key_exists = key_exists
        self._msg_ids = msg_ids if msg_ids is not None else MsgIdGenerator(SERVER)
        self._state = WAIT_REQ_PQ
        self._nonce = self._server_nonce = b""
        self._pq = self._a = self._server_time = self._retries = 0
        self._retry_id = bytes(8)  # retry_id as wire bytes: 0 first, then the last auth_key_aux_hash
        self._inner: InnerData | None = None
        self._last: tuple[TLObject, bytes] | None = None

    @property
    def state(self) -> str:
        """``wait_req_pq``, ``wait_req_dh_params``, ``wait_set_client_dh_params``, ``done`` or ``failed``."""
        return self._state

    @property
    def fingerprints(self) -> list[int]:
        """The fingerprints this server offers in resPQ (signed int64)."""
        return list(self._keys)

    def receive(self, packet: bytes, now: float) -> Reply:
        """Feed one client packet; get the packet to send, the final result (its ``reply`` to send), or a
        TransportReject. Malformed or hostile input raises HandshakeError (answer -404 and close)."""
        if self._state == FAILED:
            raise HandshakeError("this key exchange already failed")
        try:
            _, obj = read_plain(packet, _REQUESTS)
            request = cast(Request, obj)
            if self._last is not None and request == self._last[0]:
                return self._last[1]
            out = self._dispatch(request, now)
        except HandshakeError:
            self._state = FAILED
            raise
        if isinstance(out, TransportReject):
            self._state = FAILED
        else:
            self._last = (request, out if isinstance(out, bytes) else out.reply)
        return out

    def _dispatch(self, request: Request, now: float) -> Reply:
        if isinstance(request, (mt.ReqPqMulti, mt.ReqPq)):
            return self._on_req_pq(request, now)
        if isinstance(request, mt.ReqDHParams):
            if self._state != WAIT_REQ_DH:
                raise HandshakeError(f"req_DH_params in state {self._state}")
            return self._on_req_dh_params(request, now)
        if self._state != WAIT_SET_CLIENT:
            raise HandshakeError(f"set_client_DH_params in state {self._state}")
        return self._on_set_client_dh_params(request, now)

    def _pack(self, obj: TLObject, now: float) -> bytes:
        return pack_plain(self._msg_ids.next(now, response=True), obj.to_bytes())

    def _on_req_pq(self, request: mt.ReqPqMulti | mt.ReqPq, now: float) -> bytes:
        self._nonce, self._server_nonce = request.nonce, self._random(16)
        p, q = make_pq(self._random)
        self._pq = p * q
        self._inner, self._retries, self._retry_id = None, 0, bytes(8)
        self._state = WAIT_REQ_DH
        return self._pack(make_res_pq(self._nonce, self._server_nonce, self._pq, self.fingerprints), now)

    def _on_req_dh_params(self, request: mt.ReqDHParams, now: float) -> bytes | TransportReject:
        inner = open_req_dh_params(
            request, nonce=self._nonce, server_nonce=self._server_nonce, pq=self._pq, keys=self._keys
        )
        problem = dc_problem(inner.dc, self._dc)
        if problem is not None:
            return TransportReject(code=-444, reason=problem)
        self._a, g_a = generate_dh_pair(self._g, self._dh_prime, self._random)
        self._inner, self._server_time = inner, int(now)
        answer = make_dh_params_ok(
            nonce=self._nonce,
            server_nonce=self._server_nonce,
            new_nonce=inner.new_nonce,
            g=self._g,
            dh_prime=self._dh_prime,
            g_a=g_a,
            server_time=self._server_time,
            random=self._random,
        )
        self._state = WAIT_SET_CLIENT
        return self._pack(answer, now)

    def _on_set_client_dh_params(self, request: mt.SetClientDHParams, now: float) -> bytes | ServerHandshakeResult:
        inner = self._inner
        if inner is None:  # unreachable: WAIT_SET_CLIENT is entered only with the inner data
            raise HandshakeError("no inner data yet")
        nonces = (self._nonce, self._server_nonce, inner.new_nonce)
        retry_id, g_b = open_client_dh(
            request, nonce=nonces[0], server_nonce=nonces[1], new_nonce=nonces[2], dh_prime=self._dh_prime
        )
        auth_key = AuthKey(dh_shared_key(g_b, self._a, self._dh_prime))
        if not same(retry_id.to_bytes(8, "little", signed=True), self._retry_id) or self._retries >= MAX_RETRIES:
            self._state = FAILED  # the client must start over: answer dh_gen_fail (new_nonce_hash3)
            return self._pack(make_dh_gen(3, *nonces, auth_key), now)
        if self._key_exists is not None and self._key_exists(auth_key.key_id):
            self._retries += 1
            self._retry_id = auth_key.aux_hash  # the retry_id the client must send next
            return self._pack(make_dh_gen(2, *nonces, auth_key), now)
        self._state = DONE
        expires_at = None if inner.expires_in is None else self._server_time + inner.expires_in
        return ServerHandshakeResult(
            auth_key=auth_key.key,
            auth_key_id=auth_key.key_id,
            server_salt=first_server_salt(inner.new_nonce, self._server_nonce),
            reply=self._pack(make_dh_gen(1, *nonces, auth_key), now),
            dc=inner.dc,
            inner_data=inner.name,
            expires_in=inner.expires_in,
            expires_at=expires_at,
        )
