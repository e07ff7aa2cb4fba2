"""The client's ledger: its live requests, the queue they wait in, and what each recent msg_id of ours carried.

A request is live from :meth:`Ledger.add` until :meth:`Ledger.complete` (an answer, a failure, ``forget``). It
waits in the queue for each (re)transmission; every transmission's msg_id leads back to it (:meth:`Ledger.sent`)
until it is answered, the server refuses that transmission (:meth:`Ledger.take`) or :data:`MAX_ALIASES` newer
ones push it out, so an answer to an earlier copy is still accepted, once. Our recent containers map to the ids
inside them and our msgs_ack messages to the ids they acknowledged, so a bad_msg_notification about either
reaches what they carried (https://core.telegram.org/mtproto/service_messages_about_messages).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from tgfleet.mtproto.session.events import Request
from tgfleet.mtproto.session.limits import REMEMBERED_SENDS
from tgfleet.mtproto.session.outbox import ITEM_OVERHEAD, Outgoing, ack_body, fits
from tgfleet.tl import TLFunction

MAX_ALIASES = 8
"""How many earlier transmissions of one request an answer is still accepted for."""


class AckOut(Outgoing):
    """An outgoing msgs_ack, remembering which ids it acknowledged (queued again if it bounces)."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ack_body(ids), False)
        self.ids = ids


def _remember(table: dict[int, Any], key: int, value: Any) -> None:
    """Insert into an insertion-ordered dict, evicting the oldest entry beyond REMEMBERED_SENDS."""
    table[key] = value
    if len(table) > REMEMBERED_SENDS:
        del table[next(iter(table))]


class Ledger:
    """Live requests by id (oldest first), the send queue, and our recent msg_ids with what they carried."""

    __slots__ = ("_acks_sent", "_containers", "_inflight", "_next_id", "_queue", "_requests")

    def __init__(self) -> None:
        self._next_id = 1
        self._requests: dict[int, Request] = {}  # live (unanswered) requests by id, oldest first
        self._queue: deque[Request] = deque()  # waiting for (re)transmission
        self._inflight: dict[int, Request] = {}  # msg_id of a transmission -> its request
        self._containers: dict[int, tuple[int, ...]] = {}  # container msg_id -> msg_ids inside
        self._acks_sent: dict[int, list[int]] = {}  # msg_id of one of our msgs_ack -> the ids it acked

    # --- requests --------------------------------------------------------------------------------
    def add(self, function: TLFunction[Any], body: bytes) -> Request:
        """A new live request, queued for its first transmission."""
        request = Request(self._next_id, function, body)
        self._next_id += 1
        self._requests[request.id] = request
        self.queue(request)
        return request

    def unanswered(self) -> list[Request]:
        """Live requests, oldest first."""
        return list(self._requests.values())

    def live(self) -> Iterator[Request]:
        return iter(self._requests.values())

    def complete(self, request: Request) -> None:
        """The request is over (answered, failed, forgotten): no transmission of it is answered any more."""
        request.done = True
        for msg_id in request.msg_ids:
            if self._inflight.get(msg_id) is request:
                del self._inflight[msg_id]
        self._requests.pop(request.id, None)

    # --- the queue -------------------------------------------------------------------------------
    def queue(self, request: Request, front: bool = False) -> None:
        if not request.queued and not request.done:
            request.queued = True
            if front:
                self._queue.appendleft(request)
            else:
                self._queue.append(request)

    def requeue(self, requests: list[Request]) -> None:
        """Put requests back at the head of the queue, oldest first."""
        for request in sorted(requests, key=lambda r: r.id, reverse=True):
            self.queue(request, front=True)

    def requeue_unqueued(self) -> None:
        """Queue again every live request that is not waiting already (after a reconnect)."""
        self.requeue([r for r in self._requests.values() if not r.queued])

    def hold(self) -> None:
        """Empty the queue; its requests stay live and go out again with ``requeue_unqueued``."""
        for request in self._queue:
            request.queued = False
        self._queue.clear()

    def has_queued(self) -> bool:
        queue = self._queue
        while queue and queue[0].done:
            queue.popleft()
        return bool(queue)

    def fill(self, items: list[Outgoing], size: int) -> None:
        """Move queued requests into ``items`` (a message of ``size`` bytes so far) while they fit.

        A request marked ``solo`` (after error 64) travels alone.
        """
        queue = self._queue
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

    # --- transmissions ---------------------------------------------------------------------------
    def record(self, items: list[Outgoing], container: int) -> None:
        """``items`` went out (inside ``container``, or alone when it is 0): remember what each msg_id carried."""
        for item in items:
            if isinstance(item, Request):
                item.msg_ids.append(item.msg_id)
                if len(item.msg_ids) > MAX_ALIASES:
                    self._inflight.pop(item.msg_ids.pop(0), None)
                self._inflight[item.msg_id] = item
                item.acked = False
                item.container_id = container
            elif isinstance(item, AckOut):
                _remember(self._acks_sent, item.msg_id, item.ids)
        if container:
            _remember(self._containers, container, tuple(item.msg_id for item in items))

    def sent(self, msg_id: int) -> Request | None:
        """The live request one of our msg_ids carried (None if unknown, forgotten or answered)."""
        return self._inflight.get(msg_id)

    def knows(self, msg_id: int) -> bool:
        """We recently sent a message (request, container or msgs_ack) with this msg_id and still track it."""
        return msg_id in self._inflight or msg_id in self._containers or msg_id in self._acks_sent

    def take(self, bad_msg_id: int) -> tuple[list[Request], list[list[int]]] | None:
        """The requests and ack lists sent under ``bad_msg_id`` (a container stands for its contents), or None
        if it is none of ours.

        Their transmission under those ids is forgotten: the server refused it, no answer will come for it.
        A request that was already re-sent under a newer id only loses the stale id.
        """
        inside = self._containers.pop(bad_msg_id, None)
        ids = inside if inside is not None else (bad_msg_id,)
        requests: list[Request] = []
        acks: list[list[int]] = []
        for msg_id in ids:
            request = self._inflight.pop(msg_id, None)
            if request is not None:
                request.msg_ids.remove(msg_id)
                if request.msg_id == msg_id:
                    requests.append(request)
            ack_ids = self._acks_sent.pop(msg_id, None)
            if ack_ids is not None:
                acks.append(ack_ids)
        if inside is None and not requests and not acks:
            return None
        return requests, acks

    def restart(self) -> None:
        """A new session: no transmission of the old one is answered; every live request is queued again."""
        self._inflight.clear()
        self._containers.clear()
        self._acks_sent.clear()
        for request in self._requests.values():
            request.msg_ids.clear()
        self.requeue_unqueued()
