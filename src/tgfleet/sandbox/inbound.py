"""What a connection does with one packet: run the key exchange, or open an encrypted message and answer it.

https://core.telegram.org/mtproto/description (``docs/protocol.md`` §4, §14). An unencrypted packet
(auth_key_id 0) goes to the connection's ``ServerHandshake``; a bad one is answered -404 and the
connection closed. An encrypted packet needs an auth key known *on this DC* (else -404 and close), is
decrypted, and goes to its session (created on first sight and stored once it accepted a message, so a
refused replay evicts no live session; sessions outlive connections, and a session seen on a new connection
re-sends what the client has not acknowledged). A temporary key past its expiry is forgotten when a packet
arrives on it (-404: the client makes a new one). Each message a session accepted is shown to the
AUTH_KEY_DUPLICATED rule (``duplicate_keys.py``), which may owe the connection's next API call that answer. Calls
are answered one after the other: MTProto service calls (destroy_session, destroy_auth_key) and
auth.bindTempAuthKey (``binding.py``) here, API calls by the dispatcher (a file part may first wait in the
``PartHold``, ``part_hold.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tgfleet.crypto.kdf import X_CLIENT, decrypt_message, msg_key_large
from tgfleet.errors import DecodeError, EncodeError, HandshakeError, SecurityError
from tgfleet.mtproto.handshake import ServerHandshake, ServerHandshakeResult, TransportReject
from tgfleet.mtproto.session import Call, Pinged, Rejected, decrypt_server_side
from tgfleet.mtproto.transport import Packet
from tgfleet.sandbox.binding import bind
from tgfleet.sandbox.dispatch import INTERNAL, CallReply
from tgfleet.sandbox.keys import KeyState, SessionState
from tgfleet.tl import functions
from tgfleet.tl import mtproto as mt

if TYPE_CHECKING:
    from tgfleet.sandbox.connection import ServerConnection

log = logging.getLogger("tgfleet.sandbox")

MAX_PLAIN_PACKETS = 32
"""Unencrypted packets one connection may send (a key exchange takes 3; retries and a temp key a few more)."""
QUEUE_FULL = (500, "MT_SEND_QUEUE_TOO_LONG")
_ZERO_ID = bytes(8)


async def handle(conn: ServerConnection, packet: Packet) -> None:
    payload = packet.payload
    if len(payload) < 24:
        conn.fail(-404, f"{len(payload)}-byte packet is no MTProto message")
    elif payload[:8] == _ZERO_ID:
        plain(conn, payload)
    else:
        await encrypted(conn, payload, packet.quick_ack)


def plain(conn: ServerConnection, payload: bytes) -> None:
    """One step of the key exchange (a finished exchange stores the key on this DC)."""
    conn.plain_packets += 1
    if conn.plain_packets > MAX_PLAIN_PACKETS:
        conn.fail(-429, "too many unencrypted packets")
        return
    ctx, dc = conn.ctx, conn.dc
    if conn.handshake is None:
        conn.handshake = ServerHandshake(
            ctx.rsa_key, dc_id=dc.dc_id, random=ctx.random, key_exists=dc.keys.__contains__
        )
    now = ctx.now()
    try:
        out = conn.handshake.receive(payload, now)
    except HandshakeError as e:
        conn.fail(-404, f"bad key exchange: {e}")
        return
    if isinstance(out, TransportReject):
        conn.fail(out.code, out.reason)
    elif isinstance(out, ServerHandshakeResult):
        key = dc.keys.add(out.auth_key, out.server_salt, now, out.expires_at)
        log.debug("dc%d %s: new auth key %#x (%s)", dc.dc_id, conn.peer, key.key_id, out.inner_data)
        conn.handshake = None
        conn.send(out.reply)
    else:
        conn.send(out)


async def encrypted(conn: ServerConnection, payload: bytes, quick_ack: bool) -> None:
    dc = conn.dc
    key_id = int.from_bytes(payload[:8], "little", signed=True)
    key = dc.keys.live(key_id, conn.ctx.now())
    if key is None:
        conn.fail(-404, f"auth key {key_id & 0xFFFFFFFFFFFFFFFF:#018x} is unknown (or expired) on DC {dc.dc_id}")
        return
    if conn.padded:
        payload = payload[: 24 + (len(payload) - 24) // 16 * 16]
    try:
        env = decrypt_server_side(key.auth_key, payload)
    except SecurityError as e:
        conn.fail(-404, f"undecryptable message: {e}")
        return
    conn.authenticated()
    key.packets += 1
    conn.keys_seen.add(key_id)
    conn.ctx.key_use.saw(key_id, conn)
    conn.keys_seen.add(key.acts_for)  # a bound temporary key stands for its permanent key
    state = dc.keys.session(key, env.session_id)
    adopt(conn, state)
    try:
        events = state.session.receive_envelope(env, conn.ctx.now())
    except (SecurityError, DecodeError) as e:
        conn.fail(-404, f"bad message: {e}")
        return
    dc.keys.keep(state)  # a new session is stored once it accepted a message
    if not conn.media and any(not isinstance(event, Rejected) for event in events):
        conn.ctx.duplicates.accepted(key_id, conn)  # media connections share the key (duplicate_keys.py)
    if quick_ack:
        conn.send_quick_ack(_quick_ack_token(key, payload))
    for event in events:
        if isinstance(event, Call):
            await answer(conn, state, event)
        elif isinstance(event, Pinged) and event.disconnect_delay is not None:
            conn.ping_delay_disconnect(event.disconnect_delay)
    state.flush(conn.ctx.now())


def adopt(conn: ServerConnection, state: SessionState) -> None:
    """Make ``conn`` the session's connection; a known session on a new connection re-sends unacked."""
    if state.connection is not conn:
        moved = state.connection is not None
        state.connection = conn
        if moved:
            state.session.resend_unacked()


def _quick_ack_token(key: KeyState, payload: bytes) -> int:
    """``msg_key_large[0:4]`` of the client's message as LE uint32 with bit 31 set (docs/protocol.md §3)."""
    plaintext = decrypt_message(key.auth_key, payload, X_CLIENT)
    return int.from_bytes(msg_key_large(key.auth_key, plaintext, X_CLIENT)[:4], "little") | 0x80000000


async def answer(conn: ServerConnection, state: SessionState, call: Call) -> None:
    """Answer one call. The caller flushes once all calls of a packet are answered, so the answers to a
    container go back packed together (one encryption, one write) rather than one packet each."""
    ctx = conn.ctx
    reply = service_call(conn, state, call)
    if reply is None:
        reply = ctx.duplicates.take(state.key.key_id, conn)
    if reply is None:
        if state.inflight >= ctx.limits.max_pending_calls:
            reply = QUEUE_FULL
        else:
            state.inflight += 1
            try:
                held = await ctx.part_hold.wait(call.obj, conn, conn.media)
                reply, call_ctx = (
                    (held, None)
                    if held is not None
                    else await ctx.dispatcher.call(conn.dc.dc_id, state.key, state.session_id, call.obj, ctx.now())
                )
            finally:
                state.inflight -= 1
            if call_ctx is not None and call_ctx.updates:
                user_id = ctx.world.user_of(state.key.acts_for)
                if user_id is not None:
                    ctx.delivery.subscribe(user_id, state)
                else:
                    ctx.delivery.watch(state.key.acts_for, state)
    try:
        state.session.reply(call.msg_id, reply)
    except EncodeError:
        log.exception("dc%d: cannot serialize the answer to %s", conn.dc.dc_id, type(call.obj).__name__)
        state.session.reply(call.msg_id, INTERNAL)
    if isinstance(call.obj, mt.DestroyAuthKey) and isinstance(reply, mt.DestroyAuthKeyOk):
        conn.dc.keys.remove(state.key.key_id)
        ctx.world.revoke(state.key.key_id)


def service_call(conn: ServerConnection, state: SessionState, call: Call) -> CallReply | None:
    """The answer to an MTProto service call or to auth.bindTempAuthKey, or None for an API call."""
    obj = call.obj
    if isinstance(obj, functions.auth.BindTempAuthKey):
        return bind(conn.dc.keys, state.key, state.session_id, call.msg_id, obj, conn.ctx.now())
    if type(obj).__module__ != mt.__name__:
        return None
    if isinstance(obj, mt.DestroySession):
        if obj.session_id != state.session_id and conn.dc.keys.destroy_session(state.key, obj.session_id):
            return mt.DestroySessionOk(session_id=obj.session_id)
        return mt.DestroySessionNone(session_id=obj.session_id)
    if isinstance(obj, mt.DestroyAuthKey):
        return mt.DestroyAuthKeyOk()
    return 400, "INPUT_METHOD_INVALID"
