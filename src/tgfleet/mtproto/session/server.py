"""The server side of an encrypted MTProto session (sans-IO), for the sandbox.

One ``ServerSession`` per (auth key, session_id). Its clock is the reference clock: server msg_ids are
``now``-based, ≡ 1 (mod 4) for answers and ≡ 3 for pushed messages (/mtproto/description); seqno has its
own content-related counter. See the package docstring for how the sandbox drives it.

A client message is checked in this order (docs/protocol.md §14; the verdicts are ``checks.py``), and a
refusal is answered with bad_msg_notification (https://core.telegram.org/mtproto/service_messages_about_messages):

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
queued first). Content-related messages are acknowledged (an answer acknowledges its call). What each
accepted message becomes (https://core.telegram.org/mtproto/service_messages): ping / ping_delay_disconnect
-> pong (bare, not content-related, as in the real capture of docs/test-vectors.md §2.3), get_future_salts
-> future_salts (bare), msgs_state_req -> msgs_state_info, msg_resend_req -> the messages again (or
msgs_state_info when some are unknown), rpc_drop_answer -> rpc_answer_*; msgs_ack is recorded. Every other
function becomes a :class:`Call` for the caller; an undecodable or non-function content-related message gets
rpc_error 400 (errors.tsv names).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.errors import DecodeError, SecurityError
from tgfleet.mtproto.msgid import SERVER, MsgIdGenerator
from tgfleet.mtproto.session.body import Item, constructor_of, gzip_pack, split
from tgfleet.mtproto.session.checks import DUPLICATE, UNTIMELY, check_container, check_msg_id, check_seqno
from tgfleet.mtproto.session.codes import BadMsgCode
from tgfleet.mtproto.session.envelope import Envelope, open_envelope
from tgfleet.mtproto.session.limits import MAX_IDS, MSG_CONTAINER, REMEMBERED_SENDS, WINDOW
from tgfleet.mtproto.session.outbox import ITEM_OVERHEAD, Numbering, Outgoing, ack_body, fits, seal_batch
from tgfleet.mtproto.session.rpc import Answer, rpc_result
from tgfleet.mtproto.session.salts import ServerSalts
from tgfleet.mtproto.session.server_events import (
    Acked,
    Call,
    Pinged,
    Rejected,
    ServerEvent,
    SessionCreated,
    Undecodable,
)
from tgfleet.mtproto.session.substitutes import SERVER_SUBSTITUTES
from tgfleet.mtproto.session.window import FLAG_ANSWERED, FLAG_PROCESSING, STATE_RECEIVED, MsgIdWindow
from tgfleet.tl import TLFunction, TLObject, decode
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.registry import module_of

_MTPROTO = mt.__name__
_CONTAINER_ID = MSG_CONTAINER.to_bytes(4, "little")
_ServiceHandler = Callable[["ServerSession", Item, Any, float, list[ServerEvent]], None]


class ServerSession:
    """One client session on the server: checks, acks, service answers, rpc_result, updates.

    ``msg_ids``: share one ``MsgIdGenerator(SERVER)`` between the sessions of an auth key (or the whole
    server) so that a session the server forgot and re-created never repeats a msg_id the client already
    has (it would be ignored as a replay); by default each session has its own.

    ``replay_floor``: client msg_ids at or below it are refused with bad_msg_notification 20 ("too old to
    tell whether it was received"). A session starts with an empty replay window, so a server that forgot
    sessions of this key passes the highest :attr:`newest_msg_id` among them: a captured message of a
    forgotten session, still inside the 300 s time window, cannot be executed a second time.
    """

    _HANDLERS: ClassVar[dict[type[Any], _ServiceHandler]]
    """The MTProto functions the session answers by itself, by class (set below the class)."""

    def __init__(
        self,
        auth_key: AuthKey | bytes,
        session_id: int,
        *,
        salts: ServerSalts,
        random: Callable[[int], bytes] = os.urandom,
        window: int = WINDOW,
        msg_ids: MsgIdGenerator | None = None,
        replay_floor: int = 0,
    ) -> None:
        self.auth_key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
        self.session_id = session_id
        self.salts = salts
        self._random = random
        self._ids = MsgIdGenerator(SERVER) if msg_ids is None else msg_ids
        self._numbering = Numbering(self._ids)
        self._window = MsgIdWindow(window)
        self.replay_floor = replay_floor
        self.newest_msg_id = 0
        """The highest client msg_id this session has seen inside the time window (accepted or refused)."""
        self.created = False
        self._acks: dict[int, None] = {}  # client msg_ids to acknowledge (an ordered set)
        self._out: deque[Outgoing] = deque()
        self._resend: deque[Outgoing] = deque()  # unacked messages going out again under their ids
        self._pending: dict[int, TLObject] = {}  # client msg_id -> call awaiting reply
        self._answered: dict[int, None] = {}  # recently answered calls (for msgs_state_info)
        self._unacked: dict[int, Outgoing] = {}  # our content-related messages not yet acknowledged
        self._last_content = (0, -1)  # (msg_id, seqno) of the newest content-related client message

    # --- incoming --------------------------------------------------------------------------------
    def receive(self, data: bytes, now: float) -> list[ServerEvent]:
        """Decrypt (``x = 0``), check and process one client message.

        Raises :class:`~tgfleet.errors.SecurityError` (failed the envelope checks or belongs to another
        session) or :class:`~tgfleet.errors.DecodeError` (a body that is not even a TL object): drop the
        connection. Protocol violations a client can recover from are answered with
        bad_msg_notification / bad_server_salt instead (a :class:`Rejected` event).
        """
        return self.receive_envelope(open_envelope(self.auth_key, data, X_CLIENT), now)

    def receive_envelope(self, env: Envelope, now: float) -> list[ServerEvent]:
        """Process a message already opened with ``decrypt_server_side`` (the sandbox's path)."""
        if env.session_id != self.session_id:
            raise SecurityError("session_id is not this session's")
        events: list[ServerEvent] = []
        container = env.body[:4] == _CONTAINER_ID
        code = check_msg_id(env.msg_id, now, self._window, self.replay_floor, container=container)
        if code not in UNTIMELY and env.msg_id > self.newest_msg_id:
            self.newest_msg_id = env.msg_id  # a container's items have lower ids than the container
        if code == 0 and not self.salts.is_valid(env.salt, now):
            code = BadMsgCode.BAD_SERVER_SALT
        if code:
            if code != DUPLICATE:
                self._reject(env.msg_id, env.seqno, code, now, events)
            return events
        try:
            is_container, items = split(env.body, env.msg_id, env.seqno)
        except DecodeError:
            if not container:
                raise
            self._reject(env.msg_id, env.seqno, BadMsgCode.BAD_CONTAINER, now, events)
            return events
        if is_container:
            code = check_container(env.seqno, items)
            if code:
                self._reject(env.msg_id, env.seqno, code, now, events)
                return events
            self._window.add(env.msg_id)
        if not self.created:
            self._create(min((i.msg_id for i in items), default=env.msg_id), now, events)
        for item in items:
            self._receive_item(item, is_container, now, events)
        return events

    def _receive_item(self, item: Item, in_container: bool, now: float, events: list[ServerEvent]) -> None:
        code = 0
        if in_container:
            code = check_msg_id(item.msg_id, now, self._window, self.replay_floor, container=False)
        if code == 0:
            code = check_seqno(constructor_of(item.body), item.msg_id, item.seqno, self._last_content)
        if code:
            if code != DUPLICATE:
                self._reject(item.msg_id, item.seqno, code, now, events)
            return
        self._window.add(item.msg_id)
        if item.seqno & 1:
            self._acks[item.msg_id] = None
            if item.msg_id > self._last_content[0]:
                self._last_content = (item.msg_id, item.seqno)
        self._dispatch(item, now, events)

    def _reject(self, msg_id: int, seqno: int, code: int, now: float, events: list[ServerEvent]) -> None:
        """Queue bad_msg_notification (bad_server_salt for 48, with the current salt); needs no ack."""
        if code == BadMsgCode.BAD_SERVER_SALT:
            note: mt.BadMsgNotification | mt.BadServerSalt = mt.BadServerSalt(
                bad_msg_id=msg_id, bad_msg_seqno=seqno, error_code=code, new_server_salt=self.salts.current(now)
            )
        else:
            note = mt.BadMsgNotification(bad_msg_id=msg_id, bad_msg_seqno=seqno, error_code=code)
        self._queue_service(note)
        events.append(Rejected(msg_id, code))

    def _create(self, first_msg_id: int, now: float, events: list[ServerEvent]) -> None:
        """new_session_created (content-related, sent before anything else) for the session's first message."""
        self.created = True
        unique_id = int.from_bytes(self._random(8), "little", signed=True)
        salt = self.salts.current(now)
        self._queue_service(
            mt.NewSessionCreated(first_msg_id=first_msg_id, unique_id=unique_id, server_salt=salt),
            content=True,
            first=True,
        )
        events.append(SessionCreated(first_msg_id, unique_id))

    def _dispatch(self, item: Item, now: float, events: list[ServerEvent]) -> None:
        """What an accepted message becomes: a service answer, a :class:`Call`, or rpc_error 400."""
        try:
            obj = decode(item.body, SERVER_SUBSTITUTES)  # Telegram's leniency: substitutes.py
        except DecodeError as e:
            events.append(Undecodable(item.msg_id, e))
            if item.seqno & 1:
                unknown = module_of(int.from_bytes(item.body[:4], "little")) is None
                self._error(item.msg_id, "INPUT_CONSTRUCTOR_INVALID" if unknown else "INPUT_FETCH_FAIL")
            return
        handler = self._HANDLERS.get(type(obj))
        if handler is not None:
            handler(self, item, obj, now, events)
        elif isinstance(obj, TLFunction):
            self._pending[item.msg_id] = obj
            events.append(Call(item.msg_id, obj))
        elif item.seqno & 1 and type(obj).__module__ != _MTPROTO:
            self._error(item.msg_id, "INPUT_METHOD_INVALID")
        # other MTProto objects (msgs_state_info, msgs_all_info, msg_detailed_info, http_wait...) need nothing

    def _error(self, msg_id: int, message: str) -> None:
        self._queue_answer(msg_id, rpc_result(msg_id, (400, message)))

    # --- the service messages the session answers by itself --------------------------------------
    def _on_ack(self, item: Item, obj: mt.MsgsAck, now: float, events: list[ServerEvent]) -> None:
        ids = obj.msg_ids[:MAX_IDS]
        for msg_id in ids:
            self._unacked.pop(msg_id, None)
        events.append(Acked(ids))

    def _on_ping(self, item: Item, obj: Any, now: float, events: list[ServerEvent]) -> None:
        pong = mt.Pong(msg_id=item.msg_id, ping_id=obj.ping_id)
        self._queue_answer(item.msg_id, pong.to_bytes(), content=False)
        events.append(Pinged(obj.ping_id, getattr(obj, "disconnect_delay", None)))

    def _on_future_salts(self, item: Item, obj: mt.GetFutureSalts, now: float, events: list[ServerEvent]) -> None:
        salts = mt.FutureSalts(req_msg_id=item.msg_id, now=int(now), salts=self.salts.future(now, obj.num))
        self._queue_answer(item.msg_id, salts.to_bytes(), content=False)

    def _on_state_req(self, item: Item, obj: mt.MsgsStateReq, now: float, events: list[ServerEvent]) -> None:
        if len(obj.msg_ids) <= MAX_IDS:
            self._state_info(item.msg_id, obj.msg_ids)

    def _on_resend_req(self, item: Item, obj: mt.MsgResendReq, now: float, events: list[ServerEvent]) -> None:
        """Re-send the requested messages under their ids; if any is unknown, answer msgs_state_info."""
        ids = obj.msg_ids[:MAX_IDS]
        found = [self._unacked[msg_id] for msg_id in ids if msg_id in self._unacked]
        self._queue_resend(found)
        if len(found) < len(ids):
            self._state_info(item.msg_id, ids)

    def _on_drop_answer(self, item: Item, obj: mt.RpcDropAnswer, now: float, events: list[ServerEvent]) -> None:
        """rpc_drop_answer: a call still pending is dropped (rpc_answer_dropped_running answers both the
        call and this request); anything else is rpc_answer_unknown (answers already sent are not recalled)."""
        answer: TLObject = mt.RpcAnswerUnknown()
        if self._pending.pop(obj.req_msg_id, None) is not None:
            answer = mt.RpcAnswerDroppedRunning()
            self._queue_answer(obj.req_msg_id, rpc_result(obj.req_msg_id, answer))
        self._queue_answer(item.msg_id, rpc_result(item.msg_id, answer))

    def _state_info(self, req_msg_id: int, ids: list[int]) -> None:
        info = bytes(self._state(msg_id) for msg_id in ids)
        self._queue_answer(req_msg_id, mt.MsgsStateInfo(req_msg_id=req_msg_id, info=info).to_bytes(), content=False)

    def _state(self, msg_id: int) -> int:
        state = self._window.state(msg_id)
        if state == STATE_RECEIVED:
            if msg_id in self._pending:
                state |= FLAG_PROCESSING
            elif msg_id in self._answered:
                state |= FLAG_PROCESSING | FLAG_ANSWERED
        return state

    # --- outgoing --------------------------------------------------------------------------------
    def reply(self, req_msg_id: int, result: Answer) -> bool:
        """Answer call ``req_msg_id`` with rpc_result (gzip-packed when large and that helps).

        Returns False (and sends nothing) if that call is unknown or was answered already. Raises
        :class:`EncodeError` if ``result`` cannot be serialized (the call stays pending).
        """
        if req_msg_id not in self._pending:
            return False
        body = rpc_result(req_msg_id, result)
        del self._pending[req_msg_id]
        self._queue_answer(req_msg_id, body)
        return True

    def push(self, obj: TLObject | bytes) -> None:
        """Queue a content-related message not answering anything (Updates...): msg_id ≡ 3 (mod 4)."""
        body = obj if isinstance(obj, bytes) else obj.to_bytes()
        self._out.append(Outgoing(gzip_pack(body), True, False))

    def data_to_send(self, now: float) -> bytes | None:
        """The next encrypted message for the client (``x = 8``), or None. Call until it returns None."""
        items = self._collect()
        if not items:
            return None
        salt = self.salts.current(now)
        data, _ = seal_batch(self.auth_key, X_SERVER, salt, self.session_id, self._numbering, items, now, self._random)
        for item in items:
            if item.content and not item.keep_id:
                self._unacked[item.msg_id] = item
        while len(self._unacked) > REMEMBERED_SENDS:
            del self._unacked[next(iter(self._unacked))]
        return data

    def resend_unacked(self) -> None:
        """On a new connection: send every content-related message the client has not acknowledged
        again, under its original msg_id, inside containers (/mtproto/service_messages_about_messages)."""
        self._queue_resend(sorted(self._unacked.values(), key=lambda i: i.msg_id))

    def _queue_resend(self, items: list[Outgoing]) -> None:
        queued = {id(item) for item in self._resend}
        for item in items:
            if id(item) not in queued:
                item.keep_id = True
                self._resend.append(item)

    def _collect(self) -> list[Outgoing]:
        items: list[Outgoing] = []
        size = 0
        if self._acks:
            ids = list(self._acks)[:MAX_IDS]
            for msg_id in ids:
                del self._acks[msg_id]
            items.append(Outgoing(ack_body(ids), False, True))
            size = ITEM_OVERHEAD + len(items[0].body)
        for queue in (self._resend, self._out):
            while queue and fits(len(items), size, len(queue[0].body)):
                item = queue.popleft()
                items.append(item)
                size += ITEM_OVERHEAD + len(item.body)
        return items

    def _queue_answer(self, req_msg_id: int, body: bytes, content: bool = True) -> None:
        """Queue an answer to a client message; the answer acknowledges it."""
        self._acks.pop(req_msg_id, None)
        self._answered[req_msg_id] = None
        if len(self._answered) > MAX_IDS:
            del self._answered[next(iter(self._answered))]
        self._out.append(Outgoing(body, content, True))

    def _queue_service(self, obj: TLObject, content: bool = False, first: bool = False) -> None:
        item = Outgoing(obj.to_bytes(), content, True)
        if first:
            self._out.appendleft(item)
        else:
            self._out.append(item)


ServerSession._HANDLERS = {
    mt.MsgsAck: ServerSession._on_ack,
    mt.Ping: ServerSession._on_ping,
    mt.PingDelayDisconnect: ServerSession._on_ping,
    mt.GetFutureSalts: ServerSession._on_future_salts,
    mt.MsgsStateReq: ServerSession._on_state_req,
    mt.MsgResendReq: ServerSession._on_resend_req,
    mt.RpcDropAnswer: ServerSession._on_drop_answer,
}
