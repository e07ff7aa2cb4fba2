"""Client role: one case per bad_msg_notification code, and the action the session takes."""

from __future__ import annotations

import pytest

from tgfleet.errors import BadMessageError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session import BadMessage, ClientSession, Event, Request, RpcFailed, SessionChanged
from tgfleet.tl import functions
from tgfleet.tl import mtproto as mt

from .helpers import NOW, client_fingerprint, msg_id_at, seeded, sent_items, server_message

KEY = seeded(11)(256)
SALT = 0x1111


def _sent(n: int = 1) -> tuple[ClientSession, list[Request], bytes]:
    client = ClientSession(KEY, salt=SALT, random=seeded(1))
    requests = [client.send(functions.help.GetNearestDc()) for _ in range(n)]
    data = client.data_to_send(NOW)
    assert data is not None
    return client, requests, data


def _notify(client: ClientSession, bad_msg_id: int, code: int, dt: float = 0.0) -> list[Event]:
    note = mt.BadMsgNotification(bad_msg_id=bad_msg_id, bad_msg_seqno=1, error_code=code)
    return list(client.receive(server_message(client, note.to_bytes(), NOW + dt, seqno=2), NOW))


RESEND, FAIL, NEW_SESSION, SOLO = "resend", "fail", "new session", "solo"
CASES = [
    (16, 400.0, RESEND),
    (17, -400.0, RESEND),
    (18, 0.0, FAIL),
    (19, 0.0, RESEND),
    (20, 0.0, RESEND),
    (32, 0.0, NEW_SESSION),
    (33, 0.0, NEW_SESSION),
    (34, 0.0, FAIL),
    (35, 0.0, FAIL),
    (48, 0.0, RESEND),
    (64, 0.0, SOLO),
    (99, 0.0, FAIL),
]


@pytest.mark.parametrize(("code", "server_dt", "action"), CASES, ids=[str(c[0]) for c in CASES])
def test_each_code(code: int, server_dt: float, action: str) -> None:
    client, (first, second), _ = _sent(2)
    old_ids = (first.msg_id, second.msg_id)
    old_session = client.session_id
    if code == 48:
        note = mt.BadServerSalt(bad_msg_id=first.container_id, bad_msg_seqno=0, error_code=48, new_server_salt=77)
        events = list(client.receive(server_message(client, note.to_bytes(), NOW, seqno=2), NOW))
    else:  # about the container: applies to both requests inside it
        events = _notify(client, first.container_id, code, server_dt)
    if action == FAIL:
        assert [type(e) for e in events] == [RpcFailed, RpcFailed]
        assert all(isinstance(e, RpcFailed) and isinstance(e.error, BadMessageError) for e in events)
        assert all(
            e.error.code == code for e in events if isinstance(e, RpcFailed) and isinstance(e.error, BadMessageError)
        )
        assert client.unanswered() == [] and client.data_to_send(NOW) is None
        return
    assert client.unanswered() == [first, second]
    if action == NEW_SESSION:
        assert events == [SessionChanged(old_session, client.session_id, code)]
        assert client.session_id != old_session
    else:
        assert events == []
    messages = [d for d in iter(lambda: client.data_to_send(NOW), None)]
    env, items = sent_items(KEY, messages[0])
    if action == SOLO:  # each alone, not in a container
        assert len(messages) == 2 and len(items) == 1 and env.msg_id == first.msg_id
    else:
        assert len(messages) == 1 and [i[0] for i in items] == [first.msg_id, second.msg_id]
    assert first.msg_id not in old_ids and second.msg_id not in old_ids
    assert client.time_offset == pytest.approx(server_dt, abs=0.01)
    assert msg_id_time(first.msg_id) == pytest.approx(NOW + server_dt, abs=0.01)
    if action == NEW_SESSION:
        assert env.session_id == client.session_id and items[0][1] == 1  # seqno restarted
    if code == 48:
        assert client.salt == 77 and env.salt == 77


def test_notification_about_one_message_of_a_container() -> None:
    client, (_, second), _ = _sent(2)
    assert _notify(client, second.msg_id, 20) == []
    _, items = sent_items(KEY, client.data_to_send(NOW) or b"")
    assert [i[0] for i in items] == [second.msg_id]  # only the one named is re-sent


def test_unknown_bad_msg_id_changes_nothing() -> None:
    client, _, _ = _sent(1)
    twin, _, _ = _sent(1)  # built the same way, told nothing
    unknown = msg_id_at(NOW - 5)
    salt = mt.BadServerSalt(bad_msg_id=unknown, bad_msg_seqno=1, error_code=48, new_server_salt=5)
    assert client.receive(server_message(client, salt.to_bytes(), NOW, seqno=2), NOW) == []
    for code in (16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64, 99):
        assert _notify(client, unknown, code, dt=code / 1000) == []  # each its own server msg_id
    assert client_fingerprint(client, NOW + 1) == client_fingerprint(twin, NOW + 1)


def test_notification_for_a_stale_transmission_only_drops_that_id() -> None:
    client, (request,), _ = _sent(1)
    stale = request.msg_id
    client.resend_all()
    client.data_to_send(NOW + 1)
    assert request.msg_ids == [stale, request.msg_id]
    assert _notify(client, stale, 48) == []
    assert request.msg_ids == [request.msg_id] and client.data_to_send(NOW + 1) is None


def test_bounced_acks_are_queued_again() -> None:
    client = ClientSession(KEY, salt=SALT, random=seeded(1))
    pushed = mt.MsgsAck(msg_ids=[]).to_bytes()  # any server message with an odd seqno needs an ack
    update = server_message(client, pushed, NOW, seqno=1, msg_id=msg_id_at(NOW, 3))
    assert client.receive(update, NOW) == []
    ack_message = client.data_to_send(NOW, flush_acks=True)
    env, _ = sent_items(KEY, ack_message or b"")
    assert client.next_deadline() is None  # no ack pending
    note = mt.BadServerSalt(bad_msg_id=env.msg_id, bad_msg_seqno=0, error_code=48, new_server_salt=5)
    client.receive(server_message(client, note.to_bytes(), NOW + 0.1, seqno=2), NOW)
    assert client.next_deadline() is not None and client.salt == 5
    env, items = sent_items(KEY, client.data_to_send(NOW, flush_acks=True) or b"")
    assert [mt.MsgsAck.from_bytes(body).msg_ids for _, _, body in items] == [[msg_id_at(NOW, 3)]]  # again
    assert _notify(client, env.msg_id, 35) == [BadMessage(env.msg_id, 35)]  # cannot be fixed: reported


def test_clock_ahead_then_17_restarts_ids_from_the_corrected_clock() -> None:
    client = ClientSession(KEY, salt=SALT, random=seeded(1), time_offset=400.0)
    request = client.send(functions.help.GetNearestDc())
    client.data_to_send(NOW)
    assert _notify(client, request.msg_id, 17) == []
    client.data_to_send(NOW)
    assert msg_id_time(request.msg_id) == pytest.approx(NOW, abs=0.01)
