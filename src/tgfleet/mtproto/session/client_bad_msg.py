"""Client role: bad_msg_notification and bad_server_salt, one action per error code.

https://core.telegram.org/mtproto/service_messages_about_messages ("Notice of Ignored Error Message").
The notification is acted on only if ``bad_msg_id`` is a message we sent and still track (a request,
one of our containers — then it applies to everything inside — or one of our msgs_ack):

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

Acks that bounced are queued again (dropped after 32/33: they belonged to the old session).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tgfleet.errors import BadMessageError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session.body import Item
from tgfleet.mtproto.session.events import BadMessage, Event, Request, RpcFailed, SessionChanged
from tgfleet.mtproto.session.limits import BAD_MSG_CODES
from tgfleet.tl import mtproto as mt

if TYPE_CHECKING:
    from tgfleet.mtproto.session.client import ClientSession

RESEND = frozenset({16, 17, 19, 20, 48})
CLOCK = frozenset({16, 17})
NEW_SESSION = frozenset({32, 33})
SALT = 48
SOLO = 64


def on_bad_msg(session: ClientSession, item: Item, obj: Any, now: float, events: list[Event]) -> None:
    code: int = SALT if isinstance(obj, mt.BadServerSalt) else obj.error_code
    targets = _take_targets(session, obj.bad_msg_id)
    if targets is None:
        return  # not a message we sent (or already dealt with): ignore (docs/security.md check 19)
    requests, acks = targets
    if code == SALT and isinstance(obj, mt.BadServerSalt):
        session._salts.override(obj.new_server_salt)
    if code in CLOCK:
        session._ids.sync(msg_id_time(item.msg_id), now)
        session._ids.restart()  # ids follow the corrected clock (else 17 would repeat forever)
    if code in NEW_SESSION:
        old = session.session_id
        session.new_session()
        events.append(SessionChanged(old, session.session_id, code))
    elif code in RESEND or code == SOLO:
        for request in requests:
            request.solo = request.solo or code == SOLO
        session._requeue(requests)
        for ids in reversed(acks):
            session._acks[:0] = ids
    else:
        error = BadMessageError(code, BAD_MSG_CODES.get(code, "unknown error code"))
        for request in requests:
            session._complete(request)
            events.append(RpcFailed(request, error))
        if acks:
            events.append(BadMessage(obj.bad_msg_id, code))


def _take_targets(session: ClientSession, bad_msg_id: int) -> tuple[list[Request], list[list[int]]] | None:
    """The requests and ack lists sent under ``bad_msg_id`` (a container stands for its contents).

    Their transmission under those ids is forgotten: the server refused it, no answer will come for it.
    A request that was already re-sent under a newer id only loses the stale id.
    """
    inside = session._containers.pop(bad_msg_id, None)
    ids = inside if inside is not None else (bad_msg_id,)
    requests: list[Request] = []
    acks: list[list[int]] = []
    for msg_id in ids:
        request = session._inflight.pop(msg_id, None)
        if request is not None:
            request.msg_ids.remove(msg_id)
            if request.msg_id == msg_id:
                requests.append(request)
        ack_ids = session._ack_msgs.pop(msg_id, None)
        if ack_ids is not None:
            acks.append(ack_ids)
    if inside is None and not requests and not acks:
        return None
    return requests, acks
