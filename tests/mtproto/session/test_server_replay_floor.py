"""Server role: a session's replay floor. A session the server created anew has an empty replay window; the
floor (what a forgotten session of the key saw) keeps captured messages of that session from running again."""

from __future__ import annotations

from tgfleet.mtproto.session import Call, Rejected, ServerSalts, ServerSession, SessionCreated
from tgfleet.tl import functions, types

from .helpers import NOW, client_message, container, msg_id_at, seeded

KEY = seeded(31)(256)
SID = 0x5E55
CALL = functions.help.GetNearestDc().to_bytes()
FLOOR = msg_id_at(NOW - 10)


def _session(replay_floor: int = 0) -> ServerSession:
    return ServerSession(KEY, SID, salts=ServerSalts(random=seeded(2)), random=seeded(3), replay_floor=replay_floor)


def _send(s: ServerSession, msg_id: int, body: bytes = CALL, seqno: int = 1, salt: int | None = None) -> list[object]:
    good = s.salts.current(NOW) if salt is None else salt
    return list(s.receive(client_message(KEY, SID, msg_id, seqno, body, good), NOW))


def test_ids_at_or_below_the_floor_are_refused_with_20_and_not_run() -> None:
    for msg_id in (FLOOR - 4, FLOOR):
        s = _session(FLOOR)
        assert _send(s, msg_id) == [Rejected(msg_id, 20)]
        assert not s.created and not s.reply(msg_id, types.NearestDc(country="NL", this_dc=2, nearest_dc=2))


def test_a_container_of_old_items_is_refused_whole() -> None:
    s = _session(FLOOR)
    assert _send(s, FLOOR, container([(FLOOR - 4, 1, CALL)]), seqno=2) == [Rejected(FLOOR, 20)]


def test_newer_ids_create_the_session_and_run() -> None:
    s = _session(FLOOR)
    events = _send(s, FLOOR + 4)
    assert [type(e) for e in events] == [SessionCreated, Call]


def test_newest_msg_id_counts_what_the_session_saw_inside_the_time_window() -> None:
    s = _session()
    _send(s, msg_id_at(NOW - 5))
    _send(s, msg_id_at(NOW - 3), seqno=3, salt=12345)  # refused (bad salt), but seen: it could be replayed
    assert s.newest_msg_id == msg_id_at(NOW - 3)
    _send(s, msg_id_at(NOW + 60), seqno=5)  # refused for its time (17): no id the client stands by
    _send(s, msg_id_at(NOW - 1) + 2, seqno=5)  # refused for its low bits (18)
    assert s.newest_msg_id == msg_id_at(NOW - 3)
