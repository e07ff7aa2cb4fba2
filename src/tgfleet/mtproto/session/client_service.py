"""Client role: what to do with each service message and with rpc_result.

https://core.telegram.org/mtproto/service_messages and /mtproto/service_messages_about_messages.
Each handler runs in phase 2 of ``client_inbound.receive`` and never raises.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tgfleet.errors import DecodeError, rpc_error
from tgfleet.mtproto.session import client_bad_msg
from tgfleet.mtproto.session.body import Item, gzip_unpack
from tgfleet.mtproto.session.events import Event, NewSession, Pong, Result, RpcFailed
from tgfleet.mtproto.session.limits import GZIP_PACKED, MAX_IDS, RPC_ERROR
from tgfleet.mtproto.session.window import STATE_RECEIVED
from tgfleet.tl import Reader
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.reader import RAW_ERRORS

if TYPE_CHECKING:
    from tgfleet.mtproto.session.client import ClientSession

_q = struct.Struct("<q")
_I = struct.Struct("<I")
FLAG_ACKED = 8

Handler = Callable[["ClientSession", Item, Any, float, list[Event]], None]


def knows_sent(session: ClientSession, msg_id: int) -> bool:
    """We recently sent a message (request, container or ack) with this msg_id and still track it."""
    return msg_id in session._inflight or msg_id in session._containers or msg_id in session._ack_msgs


def on_rpc_result(session: ClientSession, item: Item, events: list[Event]) -> None:
    """``rpc_result#f35c6d01 req_msg_id:long result:Object``: decode ``result`` with the request's own
    reader (after unpacking gzip_packed); an undecodable result fails that request only (docs/protocol.md §9)."""
    body = item.body
    request = session._inflight.get(_q.unpack_from(body, 4)[0])
    if request is None:
        return  # unknown, forgotten, or already answered under another msg_id
    session._complete(request)
    result = body[12:]
    try:
        if _I.unpack_from(result)[0] == GZIP_PACKED:
            result = gzip_unpack(result)
        if len(result) >= 4 and _I.unpack_from(result)[0] == RPC_ERROR:
            code, message = _read_rpc_error(result)
            events.append(RpcFailed(request, rpc_error(code, message, request.function)))
        else:
            events.append(Result(request, request.function.read_result(result)))
    except DecodeError as e:
        events.append(RpcFailed(request, e))


def _read_rpc_error(data: bytes) -> tuple[int, str]:
    """``rpc_error#2144ca19 error_code:int error_message:string`` (must fill ``data``)."""
    r = Reader(data, 4)
    try:
        code = r.read_int()
        message = r.read_string()
    except RAW_ERRORS as e:
        raise DecodeError(f"malformed rpc_error: {e}", where="rpc_error") from None
    if r.pos != len(data):
        raise DecodeError("trailing bytes after rpc_error", where="rpc_error", offset=r.pos)
    return code, message


def _on_ack(session: ClientSession, item: Item, obj: mt.MsgsAck, now: float, events: list[Event]) -> None:
    for msg_id in obj.msg_ids[:MAX_IDS]:
        request = session._inflight.get(msg_id)
        if request is not None and request.msg_id == msg_id:
            request.acked = True


def _on_new_session(
    session: ClientSession, item: Item, obj: mt.NewSessionCreated, now: float, events: list[Event]
) -> None:
    """Adopt the salt; the caller treats the event as a possible updates gap (getDifference)."""
    session._salts.current = obj.server_salt
    events.append(NewSession(obj.first_msg_id, obj.unique_id, obj.server_salt))


def _on_pong(session: ClientSession, item: Item, obj: mt.Pong, now: float, events: list[Event]) -> None:
    request = session._inflight.get(obj.msg_id)
    if request is not None and isinstance(request.function, mt.Ping | mt.PingDelayDisconnect):
        session._complete(request)
        events.append(Result(request, obj))
    else:
        events.append(Pong(obj.msg_id, obj.ping_id))


def _on_future_salts(session: ClientSession, item: Item, obj: mt.FutureSalts, now: float, events: list[Event]) -> None:
    """Store the salts only when they answer a get_future_salts we sent (docs/security.md check 19)."""
    request = session._inflight.get(obj.req_msg_id)
    if request is not None and isinstance(request.function, mt.GetFutureSalts):
        session._salts.store(obj.salts)
        session._complete(request)
        events.append(Result(request, obj))


def _on_destroy_session(session: ClientSession, item: Item, obj: Any, now: float, events: list[Event]) -> None:
    """A bare destroy_session_ok / destroy_session_none (also accepted inside rpc_result)."""
    for request in session._requests.values():
        fn = request.function
        if isinstance(fn, mt.DestroySession) and fn.session_id == obj.session_id and request.msg_ids:
            session._complete(request)
            events.append(Result(request, obj))
            return


def _on_state_req(session: ClientSession, item: Item, obj: mt.MsgsStateReq, now: float, events: list[Event]) -> None:
    """Answer with one status byte per id: what we know about those server messages."""
    if len(obj.msg_ids) > MAX_IDS:
        return
    pending = set(session._acks)
    info = bytearray()
    for msg_id in obj.msg_ids:
        state = session._window.state(msg_id)
        info.append(state | FLAG_ACKED if state == STATE_RECEIVED and msg_id not in pending else state)
    session._service.append(mt.MsgsStateInfo(req_msg_id=item.msg_id, info=bytes(info)).to_bytes())


def _on_resend_req(session: ClientSession, item: Item, obj: mt.MsgResendReq, now: float, events: list[Event]) -> None:
    """Re-send the requested requests (with new msg_ids; an answer to the old id is still accepted)."""
    wanted = [session._inflight.get(msg_id) for msg_id in obj.msg_ids[:MAX_IDS]]
    session._requeue([r for r in wanted if r is not None])


def _on_detailed_info(session: ClientSession, item: Item, obj: Any, now: float, events: list[Event]) -> None:
    """msg_detailed_info / msg_new_detailed_info: the answer exists as ``answer_msg_id``. Acknowledge it
    if we have it, else ask for it with msg_resend_req (/mtproto/service_messages_about_messages)."""
    answer = obj.answer_msg_id
    if answer in session._window:
        session._queue_ack(answer, now)
    else:
        session._service.append(mt.MsgResendReq(msg_ids=[answer]).to_bytes())


HANDLERS: dict[type[Any], Handler] = {
    mt.MsgsAck: _on_ack,
    mt.BadMsgNotification: client_bad_msg.on_bad_msg,
    mt.BadServerSalt: client_bad_msg.on_bad_msg,
    mt.NewSessionCreated: _on_new_session,
    mt.Pong: _on_pong,
    mt.FutureSalts: _on_future_salts,
    mt.DestroySessionOk: _on_destroy_session,
    mt.DestroySessionNone: _on_destroy_session,
    mt.MsgsStateReq: _on_state_req,
    mt.MsgResendReq: _on_resend_req,
    mt.MsgDetailedInfo: _on_detailed_info,
    mt.MsgNewDetailedInfo: _on_detailed_info,
}
"""Service messages the client acts on, by class. Other MTProto constructors are ignored."""
