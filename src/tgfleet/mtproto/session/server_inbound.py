"""Server role, incoming: the checks of docs/protocol.md §14 and the error code each one answers with.

https://core.telegram.org/mtproto/service_messages_about_messages, /mtproto/description. In order:

* the whole message: msg_id not divisible by 4 -> 18; more than 300 s old -> 16, more than 30 s ahead
  -> 17; already received -> ignored (a container reusing an id -> 19); lower than every remembered id,
  or at most the session's ``replay_floor`` (what a forgotten session of the key may have received) -> 20;
  salt neither current nor just superseded -> bad_server_salt (48). Nothing inside is processed.
* a container: malformed (count, lengths, nesting, item ids not unique and below the container's) or
  its seqno below an item's -> 64; an odd container seqno -> 34. Nothing inside is processed.
* each message (a container's items one by one): the msg_id checks above for items (duplicates are
  skipped), then seqno parity (a call with an even seqno -> 35; msgs_ack / msg_copy with an odd one
  -> 34) and seqno order against the newest content-related message (-> 32 too low / 33 too high).
  Only the offending item is refused; the others are processed.

The first message that passes the whole-message checks creates the session (new_session_created is
queued first). Content-related messages are acknowledged (an answer acknowledges its call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet.errors import DecodeError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session import server_service
from tgfleet.mtproto.session.body import Item, constructor_of, split
from tgfleet.mtproto.session.envelope import Envelope
from tgfleet.mtproto.session.limits import MSG_CONTAINER, MSG_COPY, MSGS_ACK, TIME_FUTURE, TIME_PAST
from tgfleet.mtproto.session.server_events import Rejected, ServerEvent, SessionCreated
from tgfleet.tl import TLFunction
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.registry import lookup

if TYPE_CHECKING:
    from tgfleet.mtproto.session.server import ServerSession

IGNORE = -1
_UNTIMELY = frozenset({16, 17, 18})
"""Refused for the msg_id itself (its time or its low bits): not an id the client stands by."""
_ODD_FORBIDDEN = frozenset({MSGS_ACK, MSG_COPY, MSG_CONTAINER})
_is_call: dict[int, bool] = {}


def receive(s: ServerSession, env: Envelope, now: float) -> list[ServerEvent]:
    events: list[ServerEvent] = []
    code = _check_id(s, env.msg_id, now, container=_is_container(env.body))
    if code not in _UNTIMELY and env.msg_id > s.newest_msg_id:
        s.newest_msg_id = env.msg_id  # a container's items have lower ids than the container
    if code == 0 and not s.salts.is_valid(env.salt, now):
        code = 48
    if code:
        if code > 0:
            reject(s, env.msg_id, env.seqno, code, now, events)
        return events
    try:
        is_container, items = split(env.body, env.msg_id, env.seqno)
    except DecodeError:
        if not _is_container(env.body):
            raise
        reject(s, env.msg_id, env.seqno, 64, now, events)
        return events
    if is_container:
        code = 34 if env.seqno & 1 else (64 if any(i.seqno > env.seqno for i in items) else 0)
        if code:
            reject(s, env.msg_id, env.seqno, code, now, events)
            return events
        s._window.add(env.msg_id)
    if not s.created:
        _create(s, min((i.msg_id for i in items), default=env.msg_id), now, events)
    for item in items:
        code = _check_id(s, item.msg_id, now, container=False) if is_container else 0
        code = code or _check_seqno(s, item)
        if code > 0:
            reject(s, item.msg_id, item.seqno, code, now, events)
        elif code == 0:
            s._window.add(item.msg_id)
            if item.seqno & 1:
                s._acks[item.msg_id] = None
                if item.msg_id > s._last_content[0]:
                    s._last_content = (item.msg_id, item.seqno)
            server_service.dispatch(s, item, now, events)
    return events


def _is_container(body: bytes) -> bool:
    return body[:4] == b"\xdc\xf8\xf1\x73"  # msg_container#73f1f8dc


def _check_id(s: ServerSession, msg_id: int, now: float, container: bool) -> int:
    """0 = fine, IGNORE = a duplicate to drop silently, else the bad_msg_notification code."""
    if msg_id & 3:
        return 18
    age = now - msg_id_time(msg_id)
    if age > TIME_PAST:
        return 16
    if age < -TIME_FUTURE:
        return 17
    if msg_id in s._window:
        return 19 if container else IGNORE
    if s._window.too_old(msg_id) or msg_id <= s.replay_floor:
        return 20
    return 0


_PINGS = frozenset({0x7ABE77EC, 0xF3427B8C})
"""ping / ping_delay_disconnect: deployed clients (Kurigram) send them with an even seqno and Telegram answers
them anyway, so the server does too instead of bouncing them with 35."""


def _check_seqno(s: ServerSession, item: Item) -> int:
    """Parity (34/35) and order against the newest content-related message (32/33)."""
    cid = constructor_of(item.body)
    odd = item.seqno & 1
    if odd and cid in _ODD_FORBIDDEN:
        return 34
    if not odd and is_call(cid) and cid not in _PINGS:
        return 35
    last_id, last_seqno = s._last_content
    if item.msg_id > last_id and (item.seqno <= last_seqno if odd else item.seqno < last_seqno):
        return 32
    if item.msg_id < last_id and (item.seqno >= last_seqno if odd else item.seqno > last_seqno):
        return 33
    return 0


def is_call(cid: int) -> bool:
    """Whether a constructor id is a TL function (an RPC call: content-related)."""
    known = _is_call.get(cid)
    if known is None:
        try:
            known = issubclass(lookup(cid), TLFunction)
        except DecodeError:
            return False  # unknown ids are not cached (hostile input must not grow the table)
        _is_call[cid] = known
    return known


def reject(s: ServerSession, msg_id: int, seqno: int, code: int, now: float, events: list[ServerEvent]) -> None:
    """Queue bad_msg_notification (bad_server_salt for 48, with the current salt); needs no ack."""
    if code == 48:
        note: mt.BadMsgNotification | mt.BadServerSalt = mt.BadServerSalt(
            bad_msg_id=msg_id, bad_msg_seqno=seqno, error_code=48, new_server_salt=s.salts.current(now)
        )
    else:
        note = mt.BadMsgNotification(bad_msg_id=msg_id, bad_msg_seqno=seqno, error_code=code)
    s._queue_service(note)
    events.append(Rejected(msg_id, code))


def _create(s: ServerSession, first_msg_id: int, now: float, events: list[ServerEvent]) -> None:
    """new_session_created (content-related, sent before anything else) for the session's first message."""
    s.created = True
    unique_id = int.from_bytes(s._random(8), "little", signed=True)
    created = mt.NewSessionCreated(first_msg_id=first_msg_id, unique_id=unique_id, server_salt=s.salts.current(now))
    s._queue_service(created, content=True, first=True)
    events.append(SessionCreated(first_msg_id, unique_id))
