"""The client side of an encrypted MTProto session (sans-IO).

https://core.telegram.org/mtproto/description, /mtproto/service_messages,
/mtproto/service_messages_about_messages. The caller (``tgfleet.net``'s sender) owns the connection and
the clock: it calls :meth:`ClientSession.send` for each call, then :meth:`~ClientSession.data_to_send`
until it returns None, writes each result to the transport, feeds every received payload to
:meth:`~ClientSession.receive` and acts on the events. See the package docstring for the full loop.
What was sent and may still be answered is kept by the session's :class:`~.ledger.Ledger`.

A received message is handled in two phases. Phase 1 changes nothing: decrypt and check the envelope
(/mtproto/description "Important Checks"), session_id, msg_id parity (server ids are odd), replays
(/mtproto/security_guidelines), container structure, gzip, every service object, and the time window: a
message more than 300 s older or 30 s newer than the synced clock is ignored, unless something in it proves
it is fresh: a bad_msg_notification / bad_server_salt about a message we really sent (how a wrong clock is
fixed), or an answer (rpc_result, pong, future_salts) to a request of ours still in flight. Such a message is
processed, and if it came "from the future" our clock jumped back: it is re-synced from its msg_id. Phase 2
cannot fail: remember the ids, queue acks for content-related (odd seqno) messages, act on each message.

bad_msg_notification and bad_server_salt are acted on only if ``bad_msg_id`` is a message we sent and still
track (a request, one of our containers — then it applies to everything inside — or one of our msgs_ack):

====== ==================================================== =============================================
code   meaning                                              action
====== ==================================================== =============================================
16, 17 msg_id too low / too high: our clock is off          clock := the notification's msg_id time; resend
18     msg_id not divisible by 4 (a bug on our side)        fail the requests (BadMessageError)
19     container msg_id reused                              resend with new ids
20     message too old for the server to tell               resend with new ids
32, 33 seqno too low / too high: the session is out of step new session_id, every unanswered request again
34, 35 seqno parity wrong (a bug on our side)               fail the requests (BadMessageError)
48     bad_server_salt                                      salt := new_server_salt; resend
64     invalid container                                    resend each message alone
other  unknown                                              fail the requests (BadMessageError)
====== ==================================================== =============================================

Acks bounced with a code that resending fixes are queued again; with any other code they are reported
(:class:`BadMessage`).
"""

from __future__ import annotations

import os
import struct
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.errors import BadMessageError, DecodeError, EncodeError, SecurityError, rpc_error
from tgfleet.mtproto.msgid import CLIENT, MsgIdGenerator, msg_id_time
from tgfleet.mtproto.session.body import Item, constructor_of, gzip_pack, gzip_unpack, split
from tgfleet.mtproto.session.codes import BadMsgCode, meaning
from tgfleet.mtproto.session.envelope import open_envelope
from tgfleet.mtproto.session.events import (
    BadMessage,
    Event,
    NewSession,
    Pong,
    Request,
    Result,
    RpcFailed,
    SessionChanged,
    Update,
    UpdateUndecodable,
)
from tgfleet.mtproto.session.ledger import AckOut, Ledger
from tgfleet.mtproto.session.limits import (
    ACK_THRESHOLD,
    GZIP_PACKED,
    MAX_BODY_BYTES,
    MAX_IDS,
    RPC_ERROR,
    RPC_RESULT,
    TIME_FUTURE,
    TIME_PAST,
    WINDOW,
)
from tgfleet.mtproto.session.outbox import ITEM_OVERHEAD, Numbering, Outgoing, fits, seal_batch
from tgfleet.mtproto.session.salts import SaltSchedule
from tgfleet.mtproto.session.window import STATE_RECEIVED, MsgIdWindow
from tgfleet.tl import Reader, TLFunction, decode, innermost
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.reader import RAW_ERRORS
from tgfleet.tl.core.registry import module_of

_MTPROTO = mt.__name__
_q = struct.Struct("<q")
_I = struct.Struct("<I")
FLAG_ACKED = 8
"""msgs_state_info: the message was received and its ack sent (/mtproto/service_messages_about_messages)."""

_RESEND = frozenset(
    {
        BadMsgCode.MSG_ID_TOO_LOW,
        BadMsgCode.MSG_ID_TOO_HIGH,
        BadMsgCode.CONTAINER_ID_REUSED,
        BadMsgCode.TOO_OLD,
        BadMsgCode.BAD_SERVER_SALT,
        BadMsgCode.BAD_CONTAINER,
    }
)
_CLOCK = frozenset({BadMsgCode.MSG_ID_TOO_LOW, BadMsgCode.MSG_ID_TOO_HIGH})
_NEW_SESSION = frozenset({BadMsgCode.SEQNO_TOO_LOW, BadMsgCode.SEQNO_TOO_HIGH})

Parsed = tuple[Item, int, Any]  # item, constructor id, decoded service object (or None)
_ServiceHandler = Callable[["ClientSession", Item, Any, float, list[Event]], None]


def _random_long(random: Callable[[int], bytes]) -> int:
    return int.from_bytes(random(8), "little", signed=True)


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


class ClientSession:
    """One MTProto session of a client: numbering, containers, acks, salts, resends, replay checks.

    ``salt`` and ``time_offset`` (server time - local time) come from the key exchange or from storage.
    ``random`` supplies padding and session ids. ``ack_delay``: pending acks are sent on their own once
    the oldest waited this long (or when more than 16 are pending); otherwise they ride along.
    """

    _HANDLERS: ClassVar[dict[type[Any], _ServiceHandler]]
    """Service messages the client acts on, by class (set below the class). Other MTProto objects are skipped."""
    _DECODED: ClassVar[frozenset[int]]
    """Their constructor ids: decoded in phase 1, so that a malformed one rejects the whole message."""

    def __init__(
        self,
        auth_key: AuthKey | bytes,
        *,
        session_id: int | None = None,
        salt: int = 0,
        time_offset: float = 0.0,
        random: Callable[[int], bytes] = os.urandom,
        window: int = WINDOW,
        ack_delay: float = 1.0,
    ) -> None:
        self.auth_key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
        self._random = random
        self.session_id = _random_long(random) if session_id is None else session_id
        self._old_sessions: deque[int] = deque(maxlen=4)
        self._ids = MsgIdGenerator(CLIENT, time_offset)
        self._numbering = Numbering(self._ids)
        self._salts = SaltSchedule(salt)
        self._window = MsgIdWindow(window)
        self.ack_delay = ack_delay
        self._ledger = Ledger()
        self._acks: list[int] = []  # server msg_ids waiting to be acknowledged
        self._ack_since = 0.0
        self._service: deque[bytes] = deque()  # answers to the server's service queries

    # --- state -----------------------------------------------------------------------------------
    @property
    def salt(self) -> int:
        return self._salts.current

    @property
    def time_offset(self) -> float:
        """Server time minus local time, in seconds (fixed by bad_msg_notification 16/17)."""
        return self._ids.offset

    @property
    def salts(self) -> SaltSchedule:
        """The current salt and the future salts fetched with get_future_salts (``valid_until``: fetch more)."""
        return self._salts

    # --- outgoing --------------------------------------------------------------------------------
    def send(self, function: TLFunction[Any]) -> Request:
        """Queue a call; returns its handle. The call is serialized (and gzip-packed if that helps) now.

        Raises :class:`EncodeError` if it cannot be serialized or exceeds 1 MiB.
        """
        body = gzip_pack(function.to_bytes(), innermost(function).CONSTRUCTOR_ID)
        if len(body) > MAX_BODY_BYTES:
            raise EncodeError(f"{type(function).__name__} is {len(body)} bytes; one message holds {MAX_BODY_BYTES}")
        return self._ledger.add(function, body)

    def send_bound(self, build: Callable[[int], TLFunction[Any]]) -> Request:
        """Queue a call whose body names the msg_id it travels under (auth.bindTempAuthKey's binding
        message): ``build(msg_id)`` makes it again for every transmission, re-sends included. Its size
        must not depend on the msg_id."""
        request = self.send(build(0))
        request.build = lambda msg_id: build(msg_id).to_bytes()
        return request

    def ping(self, ping_id: int, *, disconnect_delay: int | None = None) -> Request:
        """Queue ``ping`` (or ``ping_delay_disconnect``); its Result is the pong."""
        if disconnect_delay is None:
            return self.send(mt.Ping(ping_id=ping_id))
        return self.send(mt.PingDelayDisconnect(ping_id=ping_id, disconnect_delay=disconnect_delay))

    def data_to_send(self, now: float, *, flush_acks: bool = False) -> bytes | None:
        """The next encrypted message to write, or None when nothing is due. Call until it returns None.

        Packs pending acks, service answers and queued requests into one message (a msg_container when
        there is more than one). Acks alone are only sent when ``flush_acks``, more than 16 are pending,
        or the oldest has waited ``ack_delay``.
        """
        items = self._collect(now, flush_acks)
        if not items:
            return None
        salt = self._salts.pick(now + self._ids.offset)
        data, container = seal_batch(
            self.auth_key, X_CLIENT, salt, self.session_id, self._numbering, items, now, self._random
        )
        self._ledger.record(items, container)
        return data

    def next_deadline(self) -> float | None:
        """When ``data_to_send`` will have a standalone ack to send (None if no ack is pending)."""
        return self._ack_since + self.ack_delay if self._acks else None

    def _collect(self, now: float, flush_acks: bool) -> list[Outgoing]:
        ledger = self._ledger
        items: list[Outgoing] = []
        size = 0
        acks = self._acks
        if acks and (
            flush_acks
            or len(acks) > ACK_THRESHOLD
            or now >= self._ack_since + self.ack_delay
            or self._service
            or ledger.has_queued()
        ):
            ack = AckOut(acks[:MAX_IDS])
            del acks[:MAX_IDS]
            self._ack_since = now
            items.append(ack)
            size += ITEM_OVERHEAD + len(ack.body)
        while self._service and fits(len(items), size, len(self._service[0])):
            body = self._service.popleft()
            items.append(Outgoing(body, False))
            size += ITEM_OVERHEAD + len(body)
        ledger.fill(items, size)
        return items

    def _queue_ack(self, msg_id: int, now: float) -> None:
        if not self._acks:
            self._ack_since = now
        self._acks.append(msg_id)

    # --- incoming --------------------------------------------------------------------------------
    def receive(self, data: bytes, now: float) -> list[Event]:
        """Decrypt and process one message from the server (``x = 8``).

        Raises :class:`~tgfleet.errors.SecurityError` (failed a check: wrong key, msg_key, session_id,
        lengths, padding, msg_id parity) or :class:`~tgfleet.errors.DecodeError` (malformed container,
        gzip or service message): drop the connection and reconnect. In both cases, and for replays,
        messages outside the time window and messages for an abandoned session (which return ``[]``),
        no state changes.
        """
        env = open_envelope(self.auth_key, data, X_SERVER)
        if env.session_id != self.session_id:
            if env.session_id in self._old_sessions:
                return []  # still in the pipe from a session we left (after 32/33): its answers are resent
            raise SecurityError("session_id is not the session's")
        if not env.msg_id & 1:
            raise SecurityError(f"server msg_id {env.msg_id:#x} is even")
        window = self._window
        if window.rejects(env.msg_id):
            return []
        is_container, items = split(env.body, env.msg_id, env.seqno)
        parsed = self._parse(items, is_container)
        delta = msg_id_time(env.msg_id) - (now + self._ids.offset)
        if not -TIME_PAST <= delta <= TIME_FUTURE:
            if not any(self._vouches(item, cid, obj) for item, cid, obj in parsed):
                return []
            if delta > 0:
                self._ids.sync(msg_id_time(env.msg_id), now)
        window.add(env.msg_id)
        events: list[Event] = []
        for item, cid, obj in parsed:
            window.add(item.msg_id)
            if item.seqno & 1:
                self._queue_ack(item.msg_id, now)
            if obj is not None:
                self._HANDLERS[type(obj)](self, item, obj, now, events)
            elif cid == RPC_RESULT:
                self._on_rpc_result(item, events)
            elif module_of(cid) != _MTPROTO:  # service messages we do not act on (msgs_all_info, ...) are skipped
                try:
                    events.append(Update(decode(item.body), item.msg_id))
                except DecodeError as e:
                    events.append(UpdateUndecodable(item.msg_id, e))
        return events

    def _parse(self, items: list[Item], is_container: bool) -> list[Parsed]:
        """Phase 1 for each item: parity, duplicates inside a container, service objects decoded."""
        parsed: list[Parsed] = []
        for item in items:
            if not item.msg_id & 1:
                raise SecurityError(f"server msg_id {item.msg_id:#x} is even")
            if is_container and self._window.rejects(item.msg_id):
                continue  # re-sent by the server and already processed
            cid = constructor_of(item.body)
            obj = None
            if cid in self._DECODED:
                obj = decode(item.body)
            elif cid == RPC_RESULT and len(item.body) < 16:
                raise DecodeError("rpc_result too short", where="rpc_result", offset=0)
            parsed.append((item, cid, obj))
        return parsed

    def _vouches(self, item: Item, cid: int, obj: Any) -> bool:
        """The item refers to a message we sent and still track: only the real server can produce it now."""
        ledger = self._ledger
        if cid == RPC_RESULT:
            return ledger.sent(_q.unpack_from(item.body, 4)[0]) is not None
        if isinstance(obj, mt.BadMsgNotification | mt.BadServerSalt):
            return ledger.knows(obj.bad_msg_id)
        if isinstance(obj, mt.Pong):
            return ledger.sent(obj.msg_id) is not None
        return isinstance(obj, mt.FutureSalts) and ledger.sent(obj.req_msg_id) is not None

    # --- phase 2: results and service messages (https://core.telegram.org/mtproto/service_messages) ----
    def _on_rpc_result(self, item: Item, events: list[Event]) -> None:
        """``rpc_result#f35c6d01 req_msg_id:long result:Object``: decode ``result`` with the request's own
        reader (after unpacking gzip_packed); an undecodable result fails that request only (docs/protocol.md §9)."""
        body = item.body
        request = self._ledger.sent(_q.unpack_from(body, 4)[0])
        if request is None:
            return  # unknown, forgotten, or already answered under another msg_id
        self._ledger.complete(request)
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

    def _on_ack(self, item: Item, obj: mt.MsgsAck, now: float, events: list[Event]) -> None:
        for msg_id in obj.msg_ids[:MAX_IDS]:
            request = self._ledger.sent(msg_id)
            if request is not None and request.msg_id == msg_id:
                request.acked = True

    def _on_new_session(self, item: Item, obj: mt.NewSessionCreated, now: float, events: list[Event]) -> None:
        """Adopt the salt; the caller treats the event as a possible updates gap (getDifference)."""
        self._salts.current = obj.server_salt
        events.append(NewSession(obj.first_msg_id, obj.unique_id, obj.server_salt))

    def _on_pong(self, item: Item, obj: mt.Pong, now: float, events: list[Event]) -> None:
        request = self._ledger.sent(obj.msg_id)
        if request is not None and isinstance(request.function, mt.Ping | mt.PingDelayDisconnect):
            self._ledger.complete(request)
            events.append(Result(request, obj))
        else:
            events.append(Pong(obj.msg_id, obj.ping_id))

    def _on_future_salts(self, item: Item, obj: mt.FutureSalts, now: float, events: list[Event]) -> None:
        """Store the salts only when they answer a get_future_salts we sent (docs/security.md check 19)."""
        request = self._ledger.sent(obj.req_msg_id)
        if request is not None and isinstance(request.function, mt.GetFutureSalts):
            self._salts.store(obj.salts)
            self._ledger.complete(request)
            events.append(Result(request, obj))

    def _on_destroy_session(self, item: Item, obj: Any, now: float, events: list[Event]) -> None:
        """A bare destroy_session_ok / destroy_session_none (also accepted inside rpc_result)."""
        for request in self._ledger.live():
            fn = request.function
            if isinstance(fn, mt.DestroySession) and fn.session_id == obj.session_id and request.msg_ids:
                self._ledger.complete(request)
                events.append(Result(request, obj))
                return

    def _on_state_req(self, item: Item, obj: mt.MsgsStateReq, now: float, events: list[Event]) -> None:
        """Answer with one status byte per id: what we know about those server messages."""
        if len(obj.msg_ids) > MAX_IDS:
            return
        pending = set(self._acks)
        info = bytearray()
        for msg_id in obj.msg_ids:
            state = self._window.state(msg_id)
            info.append(state | FLAG_ACKED if state == STATE_RECEIVED and msg_id not in pending else state)
        self._service.append(mt.MsgsStateInfo(req_msg_id=item.msg_id, info=bytes(info)).to_bytes())

    def _on_resend_req(self, item: Item, obj: mt.MsgResendReq, now: float, events: list[Event]) -> None:
        """Re-send the requested requests (with new msg_ids; an answer to the old id is still accepted)."""
        wanted = [self._ledger.sent(msg_id) for msg_id in obj.msg_ids[:MAX_IDS]]
        self._ledger.requeue([r for r in wanted if r is not None])

    def _on_detailed_info(self, item: Item, obj: Any, now: float, events: list[Event]) -> None:
        """msg_detailed_info / msg_new_detailed_info: the answer exists as ``answer_msg_id``. Acknowledge it
        if we have it, else ask for it with msg_resend_req (/mtproto/service_messages_about_messages)."""
        answer = obj.answer_msg_id
        if answer in self._window:
            self._queue_ack(answer, now)
        else:
            self._service.append(mt.MsgResendReq(msg_ids=[answer]).to_bytes())

    def _on_bad_msg(self, item: Item, obj: Any, now: float, events: list[Event]) -> None:
        """bad_msg_notification / bad_server_salt: the action of the table in the module docstring."""
        salt = isinstance(obj, mt.BadServerSalt)
        code: int = BadMsgCode.BAD_SERVER_SALT if salt else obj.error_code
        targets = self._ledger.take(obj.bad_msg_id)
        if targets is None:
            return  # not a message we sent (or already dealt with): ignore (docs/security.md check 19)
        requests, acks = targets
        if salt:
            self._salts.override(obj.new_server_salt)
        if code in _CLOCK:
            self._ids.sync(msg_id_time(item.msg_id), now)
            self._ids.restart()  # ids follow the corrected clock (else 17 would repeat forever)
        if code in _NEW_SESSION:
            old = self.session_id
            self.new_session()
            events.append(SessionChanged(old, self.session_id, code))
        elif code in _RESEND:
            for request in requests:
                request.solo = request.solo or code == BadMsgCode.BAD_CONTAINER
            self._ledger.requeue(requests)
            for ids in reversed(acks):
                self._acks[:0] = ids
        else:
            error = BadMessageError(code, meaning(code))
            for request in requests:
                self._ledger.complete(request)
                events.append(RpcFailed(request, error))
            if acks:
                events.append(BadMessage(obj.bad_msg_id, code))

    # --- recovery --------------------------------------------------------------------------------
    def unanswered(self) -> list[Request]:
        """Requests still waiting for their answer (queued or in flight), oldest first."""
        return self._ledger.unanswered()

    def resend_all(self) -> None:
        """After a reconnect: queue every request in flight again (new msg_ids, same handles).

        An answer to an earlier transmission is still accepted, once. Non-idempotent calls are safe to
        repeat only when they carry their own deduplication (``random_id`` in messages.sendMessage).
        """
        self._ledger.requeue_unqueued()

    def forget(self, request: Request) -> None:
        """Stop waiting for ``request`` (timeout, cancellation); a late answer is ignored."""
        self._ledger.complete(request)

    def rekey(self, auth_key: AuthKey | bytes, salt: int) -> None:
        """Go on under another auth key (a new temporary key, https://core.telegram.org/api/pfs): a new
        session on it (new session_id, seqno from 0, the key's first salt). Unanswered requests are kept
        but not queued: ``resend_all`` sends them on, under new msg_ids, once the new key may be used."""
        self.auth_key = auth_key if isinstance(auth_key, AuthKey) else AuthKey(auth_key)
        self._salts = SaltSchedule(salt)
        self.new_session()
        self._ledger.hold()

    def new_session(self) -> int:
        """Switch to a fresh session_id (seqno restarts); unanswered requests are queued again."""
        self._old_sessions.append(self.session_id)
        self.session_id = _random_long(self._random)
        self._numbering.count = 0
        self._window = MsgIdWindow(self._window.size)
        self._acks.clear()
        self._service.clear()
        self._ledger.restart()
        return self.session_id


ClientSession._HANDLERS = {
    mt.MsgsAck: ClientSession._on_ack,
    mt.BadMsgNotification: ClientSession._on_bad_msg,
    mt.BadServerSalt: ClientSession._on_bad_msg,
    mt.NewSessionCreated: ClientSession._on_new_session,
    mt.Pong: ClientSession._on_pong,
    mt.FutureSalts: ClientSession._on_future_salts,
    mt.DestroySessionOk: ClientSession._on_destroy_session,
    mt.DestroySessionNone: ClientSession._on_destroy_session,
    mt.MsgsStateReq: ClientSession._on_state_req,
    mt.MsgResendReq: ClientSession._on_resend_req,
    mt.MsgDetailedInfo: ClientSession._on_detailed_info,
    mt.MsgNewDetailedInfo: ClientSession._on_detailed_info,
}
ClientSession._DECODED = frozenset(cls.CONSTRUCTOR_ID for cls in ClientSession._HANDLERS)
