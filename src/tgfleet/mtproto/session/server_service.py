"""Server role: what each accepted client message becomes.

Answered here (https://core.telegram.org/mtproto/service_messages, /service_messages_about_messages):
ping / ping_delay_disconnect -> pong (bare, not content-related, as in the real capture of
docs/test-vectors.md §2.3), get_future_salts -> future_salts (bare), msgs_state_req -> msgs_state_info,
msg_resend_req -> the messages again (or msgs_state_info when some are unknown), rpc_drop_answer ->
rpc_answer_*; msgs_ack is recorded. Every other function becomes a :class:`Call` for the caller;
an undecodable or non-function content-related message gets rpc_error 400 (errors.tsv names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tgfleet.errors import DecodeError
from tgfleet.mtproto.session.body import Item
from tgfleet.mtproto.session.limits import MAX_IDS
from tgfleet.mtproto.session.rpc import rpc_result
from tgfleet.mtproto.session.server_events import Acked, Call, Pinged, ServerEvent, Undecodable
from tgfleet.mtproto.session.window import FLAG_ANSWERED, FLAG_PROCESSING, STATE_RECEIVED
from tgfleet.tl import TLFunction, TLObject, decode
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.registry import module_of

if TYPE_CHECKING:
    from tgfleet.mtproto.session.server import ServerSession

_MTPROTO = mt.__name__
Handler = Callable[["ServerSession", Item, Any, float, list[ServerEvent]], None]


def dispatch(s: ServerSession, item: Item, now: float, events: list[ServerEvent]) -> None:
    try:
        obj = decode(item.body)
    except DecodeError as e:
        events.append(Undecodable(item.msg_id, e))
        if item.seqno & 1:
            unknown = module_of(int.from_bytes(item.body[:4], "little")) is None
            _error(s, item.msg_id, "INPUT_CONSTRUCTOR_INVALID" if unknown else "INPUT_FETCH_FAIL")
        return
    handler = HANDLERS.get(type(obj))
    if handler is not None:
        handler(s, item, obj, now, events)
    elif isinstance(obj, TLFunction):
        s._pending[item.msg_id] = obj
        events.append(Call(item.msg_id, obj))
    elif item.seqno & 1 and type(obj).__module__ != _MTPROTO:
        _error(s, item.msg_id, "INPUT_METHOD_INVALID")
    # other MTProto objects (msgs_state_info, msgs_all_info, msg_detailed_info, http_wait...) need nothing


def _error(s: ServerSession, msg_id: int, message: str) -> None:
    s._queue_answer(msg_id, rpc_result(msg_id, (400, message)))


def _on_ack(s: ServerSession, item: Item, obj: mt.MsgsAck, now: float, events: list[ServerEvent]) -> None:
    ids = obj.msg_ids[:MAX_IDS]
    for msg_id in ids:
        s._unacked.pop(msg_id, None)
    events.append(Acked(ids))


def _on_ping(s: ServerSession, item: Item, obj: Any, now: float, events: list[ServerEvent]) -> None:
    pong = mt.Pong(msg_id=item.msg_id, ping_id=obj.ping_id)
    s._queue_answer(item.msg_id, pong.to_bytes(), content=False)
    events.append(Pinged(obj.ping_id, getattr(obj, "disconnect_delay", None)))


def _on_future_salts(
    s: ServerSession, item: Item, obj: mt.GetFutureSalts, now: float, events: list[ServerEvent]
) -> None:
    salts = mt.FutureSalts(req_msg_id=item.msg_id, now=int(now), salts=s.salts.future(now, obj.num))
    s._queue_answer(item.msg_id, salts.to_bytes(), content=False)


def _state(s: ServerSession, msg_id: int) -> int:
    state = s._window.state(msg_id)
    if state == STATE_RECEIVED:
        if msg_id in s._pending:
            state |= FLAG_PROCESSING
        elif msg_id in s._answered:
            state |= FLAG_PROCESSING | FLAG_ANSWERED
    return state


def _state_info(s: ServerSession, req_msg_id: int, ids: list[int]) -> None:
    info = bytes(_state(s, msg_id) for msg_id in ids)
    s._queue_answer(req_msg_id, mt.MsgsStateInfo(req_msg_id=req_msg_id, info=info).to_bytes(), content=False)


def _on_state_req(s: ServerSession, item: Item, obj: mt.MsgsStateReq, now: float, events: list[ServerEvent]) -> None:
    if len(obj.msg_ids) <= MAX_IDS:
        _state_info(s, item.msg_id, obj.msg_ids)


def _on_resend_req(s: ServerSession, item: Item, obj: mt.MsgResendReq, now: float, events: list[ServerEvent]) -> None:
    """Re-send the requested messages under their ids; if any is unknown, answer msgs_state_info."""
    ids = obj.msg_ids[:MAX_IDS]
    found = [s._unacked[msg_id] for msg_id in ids if msg_id in s._unacked]
    s._queue_resend(found)
    if len(found) < len(ids):
        _state_info(s, item.msg_id, ids)


def _on_drop_answer(s: ServerSession, item: Item, obj: mt.RpcDropAnswer, now: float, events: list[ServerEvent]) -> None:
    """rpc_drop_answer: a call still pending is dropped (rpc_answer_dropped_running answers both the
    call and this request); anything else is rpc_answer_unknown (answers already sent are not recalled)."""
    answer: TLObject = mt.RpcAnswerUnknown()
    if s._pending.pop(obj.req_msg_id, None) is not None:
        answer = mt.RpcAnswerDroppedRunning()
        s._queue_answer(obj.req_msg_id, rpc_result(obj.req_msg_id, answer))
    s._queue_answer(item.msg_id, rpc_result(item.msg_id, answer))


HANDLERS: dict[type[Any], Handler] = {
    mt.MsgsAck: _on_ack,
    mt.Ping: _on_ping,
    mt.PingDelayDisconnect: _on_ping,
    mt.GetFutureSalts: _on_future_salts,
    mt.MsgsStateReq: _on_state_req,
    mt.MsgResendReq: _on_resend_req,
    mt.RpcDropAnswer: _on_drop_answer,
}
