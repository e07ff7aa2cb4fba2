"""The server side of an encrypted MTProto session (sans-IO), for the sandbox.

One ``ServerSession`` per (auth key, session_id). Its clock is the reference clock: server msg_ids are
``now``-based, ≡ 1 (mod 4) for answers and ≡ 3 for pushed messages (/mtproto/description); seqno has its
own content-related counter. See the package docstring for how the sandbox drives it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.errors import SecurityError
from tgfleet.mtproto.msgid import SERVER, MsgIdGenerator
from tgfleet.mtproto.session import server_inbound
from tgfleet.mtproto.session.body import gzip_pack
from tgfleet.mtproto.session.envelope import Envelope, open_envelope
from tgfleet.mtproto.session.limits import MAX_IDS, REMEMBERED_SENDS, WINDOW
from tgfleet.mtproto.session.outbox import ITEM_OVERHEAD, Numbering, Outgoing, ack_body, fits, seal_batch
from tgfleet.mtproto.session.rpc import Answer, rpc_result
from tgfleet.mtproto.session.salts import ServerSalts
from tgfleet.mtproto.session.server_events import ServerEvent
from tgfleet.mtproto.session.window import MsgIdWindow
from tgfleet.tl import TLObject


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
        return server_inbound.receive(self, env, now)

    def snapshot(self) -> tuple[object, ...]:
        """Everything a received message can change, for tests that assert "no state change"."""
        return (
            self.created,
            self._window.snapshot(),
            tuple(self._acks),
            len(self._out),
            tuple(self._pending),
            tuple(self._unacked),
            self._last_content,
        )

    def pending_calls(self) -> list[int]:
        """msg_ids of calls not answered yet."""
        return list(self._pending)

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
        data, _ = seal_batch(
            self.auth_key,
            X_SERVER,
            self.salts.current(now),
            self.session_id,
            self._numbering,
            items,
            now,
            self._random,
        )
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
