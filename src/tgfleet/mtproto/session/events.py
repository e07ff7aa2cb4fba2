"""What the client session hands back: :class:`Request` handles and the events ``receive`` returns.

Every request ends with exactly one :class:`Result` or :class:`RpcFailed` (unless the caller forgets it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgfleet.errors import DecodeError, TgfleetError
from tgfleet.mtproto.session.outbox import Outgoing
from tgfleet.tl import TLFunction, TLObject


class Request(Outgoing):
    """A content-related call in flight: the stable handle of one ``send``.

    ``id`` never changes (number requests by it); ``msg_id`` is the id of the latest transmission (0
    before the first) and changes every time the session re-sends the request (after bad_server_salt,
    bad_msg_notification 16/17/19/20/32/33/64, msg_resend_req, ``resend_all`` or ``new_session``).
    ``body`` is serialized (and gzip-packed when that helps) once, in ``send``; re-sends reuse it.
    ``acked`` turns True when the server acknowledged the current transmission (timeouts are the
    caller's: the session has no clock of its own).
    """

    __slots__ = ("acked", "container_id", "done", "function", "id", "msg_ids", "queued", "solo")

    def __init__(self, request_id: int, function: TLFunction[Any], body: bytes) -> None:
        super().__init__(body, True)
        self.id = request_id
        self.function = function
        self.msg_ids: list[int] = []  # every msg_id an answer may still come for
        self.acked = False
        self.container_id = 0
        self.solo = False  # after error 64: send alone, not in a container
        self.queued = False
        self.done = False

    def __repr__(self) -> str:
        return f"<Request #{self.id} {type(self.function).__name__} msg_id={self.msg_id:#x}>"


@dataclass(frozen=True, slots=True)
class Result:
    """``request`` succeeded: ``value`` is its decoded result (a TL object, list, bool, int...)."""

    request: Request
    value: Any


@dataclass(frozen=True, slots=True)
class RpcFailed:
    """``request`` failed: an :class:`~tgfleet.errors.RPCError` (rpc_error), a
    :class:`~tgfleet.errors.DecodeError` (the result did not decode: treat like a 500, docs/protocol.md §9) or a
    :class:`~tgfleet.errors.BadMessageError` (a bad_msg_notification resending cannot fix)."""

    request: Request
    error: TgfleetError


@dataclass(frozen=True, slots=True)
class Update:
    """A non-service object the server pushed (``Updates`` and friends), already un-gzipped and decoded."""

    obj: TLObject
    msg_id: int


@dataclass(frozen=True, slots=True)
class UpdateUndecodable:
    """A pushed object that did not decode: updates may have been lost, call updates.getDifference."""

    msg_id: int
    error: DecodeError


@dataclass(frozen=True, slots=True)
class NewSession:
    """new_session_created: the salt is adopted already. Updates may have been missed (getDifference)."""

    first_msg_id: int
    unique_id: int
    server_salt: int


@dataclass(frozen=True, slots=True)
class Pong:
    """A pong that answers no ping of ours still pending (ours complete their Request with a Result)."""

    msg_id: int
    ping_id: int


@dataclass(frozen=True, slots=True)
class SessionChanged:
    """The session switched to a new session_id after bad_msg_notification 32/33 (seqno out of step);
    every unanswered request is queued again. Updates may have been missed (getDifference)."""

    old_session_id: int
    new_session_id: int
    code: int


@dataclass(frozen=True, slots=True)
class BadMessage:
    """A bad_msg_notification about one of our non-request messages (acks, status answers) that resending
    cannot fix (codes 18, 34, 35, unknown): a bug worth logging; nothing else to do."""

    bad_msg_id: int
    code: int


Event = Result | RpcFailed | Update | UpdateUndecodable | NewSession | Pong | SessionChanged | BadMessage
