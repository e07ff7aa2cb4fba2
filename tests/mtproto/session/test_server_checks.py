"""Server role: client messages that break a rule, and the bad_msg_notification code each one gets."""

from __future__ import annotations

from typing import Any

import pytest

from tgfleet.crypto.kdf import X_SERVER, AuthKey
from tgfleet.mtproto.session import Call, Rejected, ServerSalts, ServerSession, SessionCreated, open_envelope
from tgfleet.mtproto.session.body import split
from tgfleet.tl import decode, functions, types
from tgfleet.tl import mtproto as mt

from .helpers import NOW, client_message, container, msg_id_at, seeded

KEY = seeded(21)(256)
SID = 0x5E55
CALL = functions.help.GetNearestDc().to_bytes()
ACK = mt.MsgsAck(msg_ids=[3]).to_bytes()
T = msg_id_at(NOW)  # a good client msg_id


def _server(window: int = 512) -> ServerSession:
    return ServerSession(KEY, SID, salts=ServerSalts(random=seeded(2)), random=seeded(3), window=window)


def _send(s: ServerSession, msg_id: int, seqno: int, body: bytes, salt: int | None = None) -> list[Any]:
    good = s.salts.current(NOW)
    return list(s.receive(client_message(KEY, SID, msg_id, seqno, body, good if salt is None else salt), NOW))


def _sent(s: ServerSession) -> list[tuple[int, int, Any]]:
    """Everything the server queued: (msg_id, seqno, decoded body) per message."""
    out = []
    while (data := s.data_to_send(NOW)) is not None:
        env = open_envelope(AuthKey(KEY), data, X_SERVER)
        out += [(i.msg_id, i.seqno, decode(i.body)) for i in split(env.body, env.msg_id, env.seqno)[1]]
    return out


def _primed(window: int = 512) -> ServerSession:
    """A session that already accepted content message (T, seqno 5)."""
    s = _server(window)
    assert [type(e) for e in _send(s, T, 5, CALL)] == [SessionCreated, Call]
    _sent(s)
    return s


CASES: list[tuple[int, str, Any]] = [
    (16, "msg_id 400 s old", lambda s: _send(s, msg_id_at(NOW - 400), 7, CALL)),
    (17, "msg_id 60 s ahead", lambda s: _send(s, msg_id_at(NOW + 60), 7, CALL)),
    (18, "msg_id not divisible by 4", lambda s: _send(s, T + 6, 7, CALL)),
    (19, "container reusing an id", lambda s: _send(s, T, 8, container([(T - 4, 7, CALL)]))),
    (20, "lower than the whole window", lambda s: _send(s, T - 400, 7, CALL)),
    (32, "seqno lower than an older message's", lambda s: _send(s, T + 4, 3, CALL)),
    (33, "seqno higher than a newer message's", lambda s: _send(s, T - 4, 7, CALL)),
    (34, "msgs_ack with an odd seqno", lambda s: _send(s, T + 4, 7, ACK)),
    (34, "container with an odd seqno", lambda s: _send(s, T + 8, 7, container([(T + 4, 6, ACK)]))),
    (35, "call with an even seqno", lambda s: _send(s, T + 4, 6, CALL)),
    (48, "wrong salt", lambda s: _send(s, T + 4, 7, CALL, salt=12345)),
    (64, "item id above the container's", lambda s: _send(s, T + 4, 8, container([(T + 8, 7, CALL)]))),
    (64, "container seqno below an item's", lambda s: _send(s, T + 8, 6, container([(T + 4, 7, CALL)]))),
    (64, "nested container", lambda s: _send(s, T + 12, 8, container([(T + 8, 6, container([]))]))),
    (64, "truncated container", lambda s: _send(s, T + 8, 8, container([(T + 4, 7, CALL)])[:-4])),
]


@pytest.mark.parametrize(("code", "name", "send"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_code(code: int, name: str, send: Any) -> None:
    s = _primed(window=4 if code == 20 else 512)
    if code == 20:  # fill the window with newer ids first
        for k in range(1, 5):
            _send(s, T + 4 * k, 5 + 2 * k, CALL)
        _sent(s)
    events = send(s)
    assert Rejected in [type(e) for e in events] and not any(isinstance(e, Call) for e in events)
    rejected = [e for e in events if isinstance(e, Rejected)]
    assert [e.code for e in rejected] == [code]
    (msg_id, seqno, note), *rest = _sent(s)
    assert not rest and msg_id % 4 == 1 and seqno % 2 == 0  # an answer; not content-related
    assert isinstance(note, mt.BadServerSalt if code == 48 else mt.BadMsgNotification)
    assert (note.bad_msg_id, note.error_code) == (rejected[0].msg_id, code)
    if code == 48:
        assert note.new_server_salt == s.salts.current(NOW)


def test_duplicates_are_ignored() -> None:
    s = _primed()
    assert _send(s, T, 5, CALL) == [] and _sent(s) == []
    # a container re-sending an old id next to a new one: the old one is skipped
    events = _send(s, T + 8, 8, container([(T, 5, CALL), (T + 4, 7, CALL)]))
    assert events == [Call(T + 4, functions.help.GetNearestDc())]


def test_first_message_creates_the_session() -> None:
    s = _server()
    events = _send(s, T, 1, CALL)
    assert isinstance(events[0], SessionCreated) and events[0].first_msg_id == T
    assert s.reply(T, types.NearestDc(country="NL", this_dc=2, nearest_dc=2).to_bytes())  # pre-serialized
    (cid, cseq, created), (rid, rseq, result) = _sent(s)
    assert isinstance(created, mt.NewSessionCreated) and created.first_msg_id == T and cseq % 2 == 1
    assert created.server_salt == s.salts.current(NOW) and cid % 4 == 1
    assert isinstance(result, mt.RpcResult) and result.req_msg_id == T and rseq % 2 == 1 and rid > cid
    assert _send(s, T + 4, 3, CALL) == [Call(T + 4, functions.help.GetNearestDc())]  # created once only


def test_item_level_errors_leave_the_other_items_alone() -> None:
    s = _primed()
    events = _send(s, T + 12, 8, container([(T + 4, 6, CALL), (T + 8, 7, CALL)]))
    assert events == [Rejected(T + 4, 35), Call(T + 8, functions.help.GetNearestDc())]


def test_a_ping_with_an_even_seqno_is_answered_like_telegram_does() -> None:
    s = _primed()
    events = _send(s, T + 4, 6, mt.Ping(ping_id=77).to_bytes())  # Kurigram sends its first ping like this
    assert not any(isinstance(e, Rejected) for e in events)
    assert any(isinstance(body, mt.Pong) and body.ping_id == 77 for _, _, body in _sent(s))
