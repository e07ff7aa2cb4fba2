"""The encrypted MTProto session layer, sans-IO, in both roles.

Owns: the encrypted message envelope and its checks, msg_id / seqno numbering, containers, gzip_packed,
acknowledgements, salts, the replay window, the time window, bad_msg_notification handling, resends and
the service messages (https://core.telegram.org/mtproto/description, /mtproto/service_messages,
/mtproto/service_messages_about_messages, /mtproto/security_guidelines). Imports ``tgfleet.crypto``,
``tgfleet.tl``, ``tgfleet.errors`` and ``tgfleet.mtproto.msgid`` only; no IO, no clock, no randomness of
its own (``now=`` and ``random=`` are passed in).

One class per file: ``client.py`` (``ClientSession``, with its ``ledger.py``: the requests and what each
msg_id it sent carried), ``server.py`` (``ServerSession``); what they hand back in ``events.py`` and
``server_events.py``. Both use the pure parts, which never import a session: ``envelope.py`` (the encrypted
message), ``body.py`` (containers, gzip), ``outbox.py`` (numbering, packing), ``window.py`` (replay window),
``salts.py``, ``rpc.py`` (rpc_result), ``checks.py`` (the server's verdicts), ``codes.py`` (the
bad_msg_notification codes of both roles) and ``limits.py``.

Client (``tgfleet.net``'s sender)::

    session = ClientSession(auth_key, salt=first_salt, time_offset=offset)   # from the handshake
    request = session.send(functions.help.GetConfig())    # a stable handle; wait on request.id
    while (data := session.data_to_send(now)) is not None:
        transport.send(data)
    for event in session.receive(payload, now):           # SecurityError/DecodeError: reconnect
        match event:
            case Result(request, value) | RpcFailed(request, error): ...   # exactly one per request
            case Update(obj): ...                          # to the updates machinery
            case NewSession() | SessionChanged() | UpdateUndecodable(): ...   # getDifference
    # after every receive, and at session.next_deadline() (pending acks), call data_to_send again;
    # after a reconnect: session.resend_all(); on timeout/cancel: session.forget(request).

Server (the sandbox): one ``ServerSalts`` and one ``MsgIdGenerator(SERVER)`` per auth key (or server),
one ``ServerSession`` per (key, session_id)::

    env = decrypt_server_side(auth_key, payload)          # SecurityError: drop the connection
    session = sessions.get(env.session_id) or ServerSession(auth_key, env.session_id, salts=salts, msg_ids=ids)
    for event in session.receive_envelope(env, now):
        if isinstance(event, Call):
            session.reply(event.msg_id, handle(event.obj))   # a TLObject, bytes, RPCError or (code, msg)
    session.push(updates)                                 # whenever something happens
    while (data := session.data_to_send(now)) is not None:
        connection.send(data)
    # on a new connection of a known session: session.resend_unacked()
"""

from __future__ import annotations

from tgfleet.mtproto.session.client import ClientSession
from tgfleet.mtproto.session.codes import BadMsgCode
from tgfleet.mtproto.session.envelope import Envelope, decrypt_server_side, open_envelope, seal
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
from tgfleet.mtproto.session.salts import SaltSchedule, ServerSalts
from tgfleet.mtproto.session.server import ServerSession
from tgfleet.mtproto.session.server_events import (
    Acked,
    Call,
    Pinged,
    Rejected,
    ServerEvent,
    SessionCreated,
    Undecodable,
)

__all__ = [
    "Acked",
    "BadMessage",
    "BadMsgCode",
    "Call",
    "ClientSession",
    "Envelope",
    "Event",
    "NewSession",
    "Pinged",
    "Pong",
    "Rejected",
    "Request",
    "Result",
    "RpcFailed",
    "SaltSchedule",
    "ServerEvent",
    "ServerSalts",
    "ServerSession",
    "SessionChanged",
    "SessionCreated",
    "Undecodable",
    "Update",
    "UpdateUndecodable",
    "decrypt_server_side",
    "open_envelope",
    "seal",
]
