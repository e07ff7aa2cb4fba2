"""What the server session hands back from ``ServerSession.receive``.

Everything MTProto answers by itself (pings, future salts, message status, acks, bad_msg_notification,
new_session_created) is already queued when these events come out; only :class:`Call` needs an answer
from the caller, through ``ServerSession.reply``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgfleet.errors import DecodeError
from tgfleet.tl import TLObject


@dataclass(frozen=True, slots=True)
class Call:
    """An RPC call to answer with ``reply(msg_id, ...)``: any API function (invokeWithLayer and
    initConnection wrappers included, decoded whole), destroy_session, destroy_auth_key, ..."""

    msg_id: int
    obj: TLObject


@dataclass(frozen=True, slots=True)
class Acked:
    """The client acknowledged these of our msg_ids."""

    msg_ids: list[int]


@dataclass(frozen=True, slots=True)
class SessionCreated:
    """First accepted message of this session: new_session_created has been queued."""

    first_msg_id: int
    unique_id: int


@dataclass(frozen=True, slots=True)
class Pinged:
    """A ping (already answered). For ping_delay_disconnect, close the connection ``disconnect_delay``
    seconds from now unless another ping comes first."""

    ping_id: int
    disconnect_delay: int | None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A client message was refused with bad_msg_notification ``code`` (already queued)."""

    msg_id: int
    code: int


@dataclass(frozen=True, slots=True)
class Undecodable:
    """A client message that is no known TL object (an rpc_error 400 was queued if it needed an answer)."""

    msg_id: int
    error: DecodeError


ServerEvent = Call | Acked | SessionCreated | Pinged | Rejected | Undecodable
