"""The client role of the auth-key exchange as a sans-IO state machine (https://core.telegram.org/mtproto/auth_key).

::

    hs = ClientHandshake(dc_id=2, public_keys=[key], random=os.urandom)
    send(hs.start(now=time.time()))                    # req_pq_multi
    while True:
        out = hs.receive(recv_packet(), now=time.time())
        if isinstance(out, HandshakeResult):
            break                                      # out.auth_key, out.server_salt, out.time_offset
        send(out)                                      # req_DH_params / set_client_DH_params

Packets are unencrypted MTProto messages (``auth_key_id = 0 | msg_id | length | body``) without transport
framing. Every failed check raises :class:`~tgfleet.errors.HandshakeError` and leaves the object failed:
start a new ClientHandshake (fresh randomness). A transport error code that arrives instead of a packet
(the transport raises :class:`~tgfleet.errors.TransportCodeError`; -404 for a malformed request, -444 for
a test/production DC mismatch) also ends this exchange: the caller reconnects and starts a new one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import cast

from tgfleet.crypto.kdf import AuthKey, first_server_salt
from tgfleet.crypto.rsa import RsaPublicKey
from tgfleet.errors import HandshakeError
from tgfleet.mtproto.handshake.client_steps import (
    DhParams,
    check_dh_gen,
    do_step2,
    make_client_dh,
    make_req_pq,
    open_dh_params,
)
from tgfleet.mtproto.handshake.common import MAX_RETRIES, HandshakeResult, Random, read_plain, signed64, wire_dc
from tgfleet.mtproto.msgid import CLIENT, MsgIdGenerator
from tgfleet.mtproto.plain import pack_plain
from tgfleet.tl import mtproto as mt

NEW = "new"
WAIT_RES_PQ = "wait_res_pq"
WAIT_DH_PARAMS = "wait_dh_params"
WAIT_DH_GEN = "wait_dh_gen"
DONE = "done"
FAILED = "failed"


class ClientHandshake:
    """Creates one auth key (permanent, or temporary when ``temp_expires_in`` is set) with one server.

    ``dc_id`` is the plain DC number; ``test_mode`` adds 10000 and ``media`` negates it in
    p_q_inner_data_dc. ``public_keys`` are the server RSA keys we trust; the first fingerprint in resPQ that
    matches one of them is used. ``msg_ids`` may be shared with the caller (it is synced to server_time).
    """

    __slots__ = (
        "_auth_key",
        "_dc",
        "_dh",
        "_expires_in",
        "_keys",
        "_msg_ids",
        "_new_nonce",
        "_nonce",
        "_random",
        "_retries",
        "_server_nonce",
        "_state",
        "_time_offset",
    )

    def __init__(
        self,
        dc_id: int,
        public_keys: Sequence[RsaPublicKey],
        *,
        test_mode: bool = False,
        media: bool = False,
        temp_expires_in: int | None = None,
        random: Random = os.urandom,
        msg_ids: MsgIdGenerator | None = None,
    ) -> None:
        if not public_keys:
            raise ValueError("at least one server RSA public key is needed")
        if temp_expires_in is not None and not 0 < temp_expires_in < 1 << 31:
            raise ValueError(f"temp_expires_in must be a positive int32, got {temp_expires_in!r}")
        self._dc = wire_dc(dc_id, test_mode=test_mode, media=media)
        self._keys = tuple(public_keys)
        self._expires_in = temp_expires_in
        self._random = random
        self._msg_ids = msg_ids if msg_ids is not None else MsgIdGenerator(CLIENT)
        self._state = NEW
        self._nonce = self._server_nonce = self._new_nonce = b""
        self._dh: DhParams | None = None
        self._auth_key: AuthKey | None = None
        self._retries = 0
        self._time_offset = 0.0

    @property
    def state(self) -> str:
        """``new``, ``wait_res_pq``, ``wait_dh_params``, ``wait_dh_gen``, ``done`` or ``failed``."""
        return self._state

    @property
    def dc(self) -> int:
        """The dc value sent in p_q_inner_data_dc."""
        return self._dc

    def start(self, now: float) -> bytes:
        """The first packet: req_pq_multi with a fresh nonce."""
        if self._state != NEW:
            raise HandshakeError(f"start() called in state {self._state}; create a new ClientHandshake")
        request = make_req_pq(self._random)
        self._nonce = request.nonce
        self._state = WAIT_RES_PQ
        return self._pack(request.to_bytes(), now)

    def receive(self, packet: bytes, now: float) -> bytes | HandshakeResult:
        """Feed one server packet; get the next packet to send, or the result once dh_gen_ok is verified."""
        try:
            if self._state == WAIT_RES_PQ:
                return self._on_res_pq(packet, now)
            if self._state == WAIT_DH_PARAMS:
                return self._on_dh_params(packet, now)
            if self._state == WAIT_DH_GEN:
                return self._on_dh_gen(packet, now)
            raise HandshakeError(f"no handshake packet expected in state {self._state}")
        except HandshakeError:
            self._state = FAILED
            raise

    def _pack(self, body: bytes, now: float) -> bytes:
        return pack_plain(self._msg_ids.next(now), body)

    def _on_res_pq(self, packet: bytes, now: float) -> bytes:
        _, res = read_plain(packet, (mt.ResPQ,))
        request, step, new_nonce = do_step2(res, self._nonce, self._keys, self._dc, self._expires_in, self._random)
        self._server_nonce, self._new_nonce = step.server_nonce, new_nonce
        self._state = WAIT_DH_PARAMS
        return self._pack(request.to_bytes(), now)

    def _on_dh_params(self, packet: bytes, now: float) -> bytes:
        _, obj = read_plain(packet, (mt.ServerDHParamsOk, mt.ServerDHParamsFail))
        answer = cast("mt.ServerDHParamsOk | mt.ServerDHParamsFail", obj)
        dh = open_dh_params(answer, self._nonce, self._server_nonce, self._new_nonce, self._random)
        self._dh = dh
        self._time_offset = dh.server_time - now
        self._msg_ids.sync(dh.server_time, now)
        self._state = WAIT_DH_GEN
        return self._send_client_dh(0, now)

    def _send_client_dh(self, retry_id: int, now: float) -> bytes:
        if self._dh is None:  # unreachable: WAIT_DH_GEN is entered only with DH parameters
            raise HandshakeError("no DH parameters yet")
        out = make_client_dh(self._dh, self._nonce, self._server_nonce, self._new_nonce, retry_id, self._random)
        self._auth_key = out.auth_key
        return self._pack(out.request.to_bytes(), now)

    def _on_dh_gen(self, packet: bytes, now: float) -> bytes | HandshakeResult:
        _, obj = read_plain(packet, (mt.DhGenOk, mt.DhGenRetry, mt.DhGenFail))
        answer = cast("mt.DhGenOk | mt.DhGenRetry | mt.DhGenFail", obj)
        auth_key, dh = self._auth_key, self._dh
        if auth_key is None or dh is None:  # unreachable: WAIT_DH_GEN is entered only with both
            raise HandshakeError("no auth key yet")
        if not check_dh_gen(answer, self._nonce, self._server_nonce, self._new_nonce, auth_key):
            self._retries += 1
            if self._retries > MAX_RETRIES:
                raise HandshakeError(f"server asked for more than {MAX_RETRIES} dh_gen_retry rounds")
            return self._send_client_dh(signed64(auth_key.aux_hash), now)
        self._state = DONE
        expires_at = None if self._expires_in is None else dh.server_time + self._expires_in
        return HandshakeResult(
            auth_key=auth_key.key,
            auth_key_id=auth_key.key_id,
            server_salt=first_server_salt(self._new_nonce, self._server_nonce),
            time_offset=self._time_offset,
            server_time=dh.server_time,
            expires_in=self._expires_in,
            expires_at=expires_at,
        )
