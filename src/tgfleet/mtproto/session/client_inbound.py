"""Client role, incoming: check a server message completely, then apply it.

Phase 1 (nothing changes): decrypt and check the envelope (/mtproto/description "Important Checks"),
session_id, msg_id parity (server ids are odd), replays (/mtproto/security_guidelines), container
structure, gzip, every service object, and the time window: a message more than 300 s older or 30 s
newer than the synced clock is ignored — unless something in it proves it is fresh: a
bad_msg_notification / bad_server_salt about a message we really sent (how a wrong clock is fixed), or
an answer (rpc_result, pong, future_salts) to a request of ours still in flight. Such a message is
processed, and if it came "from the future" our clock jumped back: it is re-synced from its msg_id.
Phase 2 (cannot fail): remember the ids, queue acks for content-related (odd seqno) messages, dispatch.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from tgfleet.crypto.kdf import X_SERVER
from tgfleet.errors import DecodeError, SecurityError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session import client_service
from tgfleet.mtproto.session.body import Item, constructor_of, split
from tgfleet.mtproto.session.envelope import open_envelope
from tgfleet.mtproto.session.events import Event, Update, UpdateUndecodable
from tgfleet.mtproto.session.limits import RPC_RESULT, TIME_FUTURE, TIME_PAST
from tgfleet.tl import decode
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.registry import module_of

if TYPE_CHECKING:
    from tgfleet.mtproto.session.client import ClientSession

_MTPROTO = mt.__name__
_q = struct.Struct("<q")
_DECODED = frozenset(cls.CONSTRUCTOR_ID for cls in client_service.HANDLERS)
"""Service messages decoded in phase 1, so that a malformed one rejects the whole message."""

Parsed = tuple[Item, int, Any]  # item, constructor id, decoded service object (or None)


def receive(session: ClientSession, data: bytes, now: float) -> list[Event]:
    env = open_envelope(session.auth_key, data, X_SERVER)
    if env.session_id != session.session_id:
        if env.session_id in session._old_sessions:
            return []  # still in the pipe from a session we left (after 32/33): its answers are resent
        raise SecurityError("session_id is not the session's")
    if not env.msg_id & 1:
        raise SecurityError(f"server msg_id {env.msg_id:#x} is even")
    window = session._window
    if window.rejects(env.msg_id):
        return []
    is_container, items = split(env.body, env.msg_id, env.seqno)
    parsed = _parse(items, is_container, session)
    delta = msg_id_time(env.msg_id) - (now + session._ids.offset)
    if not -TIME_PAST <= delta <= TIME_FUTURE:
        if not any(_vouches(session, item, cid, obj) for item, cid, obj in parsed):
            return []
        if delta > 0:
            session._ids.sync(msg_id_time(env.msg_id), now)
    window.add(env.msg_id)
    events: list[Event] = []
    for item, cid, obj in parsed:
        window.add(item.msg_id)
        if item.seqno & 1:
            session._queue_ack(item.msg_id, now)
        _dispatch(session, item, cid, obj, now, events)
    return events


def _parse(items: list[Item], is_container: bool, session: ClientSession) -> list[Parsed]:
    parsed: list[Parsed] = []
    for item in items:
        if not item.msg_id & 1:
            raise SecurityError(f"server msg_id {item.msg_id:#x} is even")
        if is_container and session._window.rejects(item.msg_id):
            continue  # re-sent by the server and already processed
        cid = constructor_of(item.body)
        obj = None
        if cid in _DECODED:
            obj = decode(item.body)
        elif cid == RPC_RESULT and len(item.body) < 16:
            raise DecodeError("rpc_result too short", where="rpc_result", offset=0)
        parsed.append((item, cid, obj))
    return parsed


def _vouches(session: ClientSession, item: Item, cid: int, obj: Any) -> bool:
    """The item refers to a message we sent and still track: only the real server can produce it now."""
    if cid == RPC_RESULT:
        return _q.unpack_from(item.body, 4)[0] in session._inflight
    if isinstance(obj, mt.BadMsgNotification | mt.BadServerSalt):
        return client_service.knows_sent(session, obj.bad_msg_id)
    if isinstance(obj, mt.Pong):
        return obj.msg_id in session._inflight
    return isinstance(obj, mt.FutureSalts) and obj.req_msg_id in session._inflight


def _dispatch(session: ClientSession, item: Item, cid: int, obj: Any, now: float, events: list[Event]) -> None:
    if obj is not None:
        client_service.HANDLERS[type(obj)](session, item, obj, now, events)
    elif cid == RPC_RESULT:
        client_service.on_rpc_result(session, item, events)
    elif module_of(cid) != _MTPROTO:  # service messages we do not act on (msgs_all_info, ...) are skipped
        try:
            events.append(Update(decode(item.body), item.msg_id))
        except DecodeError as e:
            events.append(UpdateUndecodable(item.msg_id, e))
