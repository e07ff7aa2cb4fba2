"""The client side of an encrypted MTProto session (sans-IO).

https://core.telegram.org/mtproto/description, /mtproto/service_messages,
/mtproto/service_messages_about_messages. The caller (``tgfleet.net``'s sender) owns the connection and
the clock: it calls :meth:`ClientSession.send` for each call, then :meth:`~ClientSession.data_to_send`
until it returns None, writes each result to the transport, feeds every received payload to
:meth:`~ClientSession.receive` and acts on the events. See the package docstring for the full loop.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import Any

from tgfleet.crypto.kdf import X_CLIENT, AuthKey
from tgfleet.errors import EncodeError
from tgfleet.mtproto.msgid import CLIENT, MsgIdGenerator
from tgfleet.mtproto.session import client_inbound
from tgfleet.mtproto.session.body import gzip_pack
from tgfleet.mtproto.session.events import Event, Request
from tgfleet.mtproto.session.limits import ACK_THRESHOLD, MAX_BODY_BYTES, MAX_IDS, REMEMBERED_SENDS, WINDOW
from tgfleet.mtproto.session.outbox import ITEM_OVERHEAD, Numbering, Outgoing, ack_body, fits, seal_batch
from tgfleet.mtproto.session.salts import SaltSchedule
from tgfleet.mtproto.session.window import MsgIdWindow
from tgfleet.tl import TLFunction
from tgfleet.tl import mtproto as mt

MAX_ALIASES = 8
"""How many earlier transmissions of one request an answer is still accepted for."""


class AckOut(Outgoing):
    """An outgoing msgs_ack, remembering which ids it acknowledged (re-queued if it bounces)."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ack_body(ids), False)
        self.ids = ids


def remember(table: dict[int, Any], key: int, value: Any, limit: int = REMEMBERED_SENDS) -> None:
    """Insert into an insertion-ordered dict, evicting the oldest entry beyond ``limit``."""
    table[key] = value
    if len(table) > limit:
        del table[next(iter(table))]


def random_long(random: Callable[[int], bytes]) -> int:
    return int.from_bytes(random(8), "little", signed=True)


class ClientSession:
    """One MTProto session of a client: numbering, containers, acks, salts, resends, replay checks.

    ``salt`` and ``time_offset`` (server time - local time) come from the key exchange or from storage.
    ``random`` supplies padding and session ids. ``ack_delay``: pending acks are sent on their own once
    the oldest waited this long (or when more than 16 are pending); otherwise they ride along.
    """

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
        self.session_id = random_long(random) if session_id is None else session_id
        self._old_sessions: deque[int] = deque(maxlen=4)
        self._ids = MsgIdGenerator(CLIENT, time_offset)
        self._numbering = Numbering(self._ids)
        self._salts = SaltSchedule(salt)
        self._window = MsgIdWindow(window)
        self.ack_delay = ack_delay
        self._next_id = 1
        self._requests: dict[int, Request] = {}  # live (unanswered) requests by id, oldest first
        self._queue: deque[Request] = deque()  # waiting for (re)transmission
        self._inflight: dict[int, Request] = {}  # msg_id of a transmission -> its request
        self._containers: dict[int, tuple[int, ...]] = {}  # container msg_id -> msg_ids inside
        self._ack_msgs: dict[int, list[int]] = {}  # msg_id of one of our msgs_ack -> the ids it acked
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
        return self._salts

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a received message can change, for tests that assert "no state change"."""
        return (
            self.session_id,
            self._salts.snapshot(),
            self._ids.offset,
            self._ids.last,
            self._numbering.count,
            self._window.snapshot(),
            tuple(self._acks),
            tuple((r.id, r.msg_id, r.acked, r.queued, r.done, tuple(r.msg_ids)) for r in self._requests.values()),
            tuple(self._inflight),
            tuple(self._service),
        )

    # --- outgoing --------------------------------------------------------------------------------
    def send(self, function: TLFunction[Any]) -> Request:
        """Queue a call; returns its handle. The call is serialized (and gzip-packed if that helps) now.

        Raises :class:`EncodeError` if it cannot be serialized or exceeds 1 MiB.
        """
        body = gzip_pack(function.to_bytes())
        if len(body) > MAX_BODY_BYTES:
            raise EncodeError(f"{type(function).__name__} is {len(body)} bytes; one message holds {MAX_BODY_BYTES}")
        request = Request(self._next_id, function, body)
        self._next_id += 1
        self._requests[request.id] = request
        self._enqueue(request)
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
        self._record(items, container, now)
        return data

    def next_deadline(self) -> float | None:
        """When ``data_to_send`` will have a standalone ack to send (None if no ack is pending)."""
        return self._ack_since + self.ack_delay if self._acks else None

    def _collect(self, now: float, flush_acks: bool) -> list[Outgoing]:
        queue = self._queue
        while queue and queue[0].done:
            queue.popleft()
        items: list[Outgoing] = []
        size = 0
        acks = self._acks
        if acks and (
            queue or self._service or flush_acks or len(acks) > ACK_THRESHOLD or now >= self._ack_since + self.ack_delay
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
        while queue:
            request = queue[0]
            if request.done:
                queue.popleft()
                continue
            if (request.solo and items) or not fits(len(items), size, len(request.body)):
                break
            queue.popleft()
            request.queued = False
            items.append(request)
            size += ITEM_OVERHEAD + len(request.body)
            if request.solo:
                break
        return items

    def _record(self, items: list[Outgoing], container: int, now: float) -> None:
        for item in items:
            if isinstance(item, Request):
                item.msg_ids.append(item.msg_id)
                if len(item.msg_ids) > MAX_ALIASES:
                    self._inflight.pop(item.msg_ids.pop(0), None)
                self._inflight[item.msg_id] = item
                item.sent_at = now
                item.acked = False
                item.container_id = container
            elif isinstance(item, AckOut):
                remember(self._ack_msgs, item.msg_id, item.ids)
        if container:
            remember(self._containers, container, tuple(item.msg_id for item in items))

    def _enqueue(self, request: Request, front: bool = False) -> None:
        if not request.queued and not request.done:
            request.queued = True
            if front:
                self._queue.appendleft(request)
            else:
                self._queue.append(request)

    def _requeue(self, requests: list[Request]) -> None:
        """Put requests back at the head of the queue, oldest first."""
        for request in sorted(requests, key=lambda r: r.id, reverse=True):
            self._enqueue(request, front=True)

    def _queue_ack(self, msg_id: int, now: float) -> None:
        if not self._acks:
            self._ack_since = now
        self._acks.append(msg_id)

    def _complete(self, request: Request) -> None:
        request.done = True
        for msg_id in request.msg_ids:
            if self._inflight.get(msg_id) is request:
                del self._inflight[msg_id]
        self._requests.pop(request.id, None)

    # --- incoming --------------------------------------------------------------------------------
    def receive(self, data: bytes, now: float) -> list[Event]:
        """Decrypt and process one message from the server (``x = 8``).

        Raises :class:`~tgfleet.errors.SecurityError` (failed a check: wrong key, msg_key, session_id,
        lengths, padding, msg_id parity) or :class:`~tgfleet.errors.DecodeError` (malformed container,
        gzip or service message): drop the connection and reconnect. In both cases, and for replays,
        messages outside the time window and messages for an abandoned session (which return ``[]``),
        no state changes.
        """
        return client_inbound.receive(self, data, now)

    # --- recovery --------------------------------------------------------------------------------
    def unanswered(self) -> list[Request]:
        """Requests still waiting for their answer (queued or in flight), oldest first."""
        return list(self._requests.values())

    def resend_all(self) -> None:
        """After a reconnect: queue every request in flight again (new msg_ids, same handles).

        An answer to an earlier transmission is still accepted, once. Non-idempotent calls are safe to
        repeat only when they carry their own deduplication (``random_id`` in messages.sendMessage).
        """
        self._requeue([r for r in self._requests.values() if not r.queued])

    def forget(self, request: Request) -> None:
        """Stop waiting for ``request`` (timeout, cancellation); a late answer is ignored."""
        self._complete(request)

    def new_session(self) -> int:
        """Switch to a fresh session_id (seqno restarts); unanswered requests are queued again."""
        self._old_sessions.append(self.session_id)
        self.session_id = random_long(self._random)
        self._numbering.count = 0
        self._window = MsgIdWindow(self._window.size)
        self._acks.clear()
        self._ack_msgs.clear()
        self._containers.clear()
        self._service.clear()
        self._inflight.clear()
        for request in self._requests.values():
            request.msg_ids.clear()
        self._requeue([r for r in self._requests.values() if not r.queued])
        return self.session_id
