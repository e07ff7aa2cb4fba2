"""Client role: service messages, results, updates, acks, recovery."""

from __future__ import annotations

from typing import Any

import pytest

from tgfleet.errors import DecodeError, EncodeError, FloodWait
from tgfleet.mtproto.session import (
    ClientSession,
    Pong,
    Request,
    Result,
    RpcFailed,
    Update,
    UpdateUndecodable,
)
from tgfleet.mtproto.session.body import gzip_pack
from tgfleet.mtproto.session.limits import MAX_CONTAINER_ITEMS
from tgfleet.tl import functions, types
from tgfleet.tl import mtproto as mt

from .helpers import NOW, Pair, container, msg_id_at, seeded, sent_items, server_message

KEY = seeded(31)(256)


def _client(**kwargs: Any) -> ClientSession:
    return ClientSession(KEY, salt=1, random=seeded(1), **kwargs)


def _sent(client: ClientSession, *calls: Any) -> list[Request]:
    requests = [client.send(call) for call in calls]
    while client.data_to_send(NOW) is not None:
        pass
    return requests


def _deliver(client: ClientSession, *objects: Any, seqno: int = 1, t: float = NOW) -> list[Any]:
    body = objects[0] if len(objects) == 1 else None
    if body is None:
        base = msg_id_at(t - 1, 1)
        body = container([(base + 4 * k, seqno, o) for k, o in enumerate(objects)])
    return list(client.receive(server_message(client, body, t, seqno=seqno), NOW))


def _result(req: Request, result: bytes) -> bytes:
    return mt.RpcResult(req_msg_id=req.msg_id, result=mt.Pong(msg_id=0, ping_id=0)).to_bytes()[:12] + result


NEAREST = types.NearestDc(country="NL", this_dc=2, nearest_dc=2)


def test_results_errors_and_bad_results_fail_only_their_request() -> None:
    client = _client()
    ok, flood, broken, gz = _sent(client, *[functions.help.GetNearestDc() for _ in range(4)])
    events = _deliver(
        client,
        _result(ok, NEAREST.to_bytes()),
        _result(flood, gzip_pack(mt.RpcError(error_code=420, error_message="FLOOD_WAIT_7" + " " * 600).to_bytes())),
        _result(broken, NEAREST.to_bytes()[:-4]),
        _result(gz, gzip_pack(NEAREST.to_bytes() + bytes(600))),
    )
    assert events[0] == Result(ok, NEAREST)
    assert isinstance(events[1], RpcFailed) and events[1].request is flood
    assert isinstance(events[2], RpcFailed) and isinstance(events[2].error, DecodeError)
    assert isinstance(events[3], RpcFailed) and isinstance(events[3].error, DecodeError)  # trailing bytes
    assert client.unanswered() == []
    assert _deliver(client, _result(ok, NEAREST.to_bytes()), t=NOW + 1) == []  # answered already: ignored
    _, items = sent_items(KEY, client.data_to_send(NOW, flush_acks=True) or b"")
    delivered = [msg_id_at(NOW - 1, 1) + 4 * k for k in range(4)] + [msg_id_at(NOW + 1, 1)]
    assert [mt.MsgsAck.from_bytes(body).msg_ids for _, _, body in items] == [delivered]  # every one is acked


def test_rpc_error_is_typed() -> None:
    client = _client()
    (req,) = _sent(client, functions.help.GetNearestDc())
    (event,) = _deliver(client, _result(req, mt.RpcError(error_code=420, error_message="FLOOD_WAIT_7").to_bytes()))
    assert isinstance(event, RpcFailed) and isinstance(event.error, FloodWait) and event.error.value == 7
    assert event.error.request is req.function


def test_updates_and_undecodable_updates() -> None:
    client = _client()
    update = types.UpdatesTooLong().to_bytes()
    events = _deliver(
        client,
        update,
        gzip_pack(types.UpdateShort(update=types.UpdateConfig(), date=1).to_bytes() * 1),
        b"\x01\x02\x03\x04",
    )
    assert events[0] == Update(types.UpdatesTooLong(), events[0].msg_id)
    assert isinstance(events[1], Update)
    assert isinstance(events[2], UpdateUndecodable)


def test_ping_future_salts_destroy_session() -> None:
    pair = Pair(seed=4)
    ping = pair.client.ping(7, disconnect_delay=75)
    salts = pair.client.send(mt.GetFutureSalts(num=3))
    pair.run()
    results = {e.request.id: e.value for e in pair.events if isinstance(e, Result)}
    assert results[ping.id] == mt.Pong(msg_id=ping.msg_id, ping_id=7)
    assert isinstance(results[salts.id], mt.FutureSalts) and len(results[salts.id].salts) == 3
    assert pair.client.salts.valid_until() > NOW
    client = _client()
    (destroy,) = _sent(client, mt.DestroySession(session_id=99))
    assert _deliver(client, mt.DestroySessionOk(session_id=98).to_bytes()) == []  # another session
    (event,) = _deliver(client, mt.DestroySessionNone(session_id=99).to_bytes(), t=NOW + 1)
    assert event == Result(destroy, mt.DestroySessionNone(session_id=99))


def test_unmatched_pong_and_future_salts() -> None:
    client = _client()
    assert _deliver(client, mt.Pong(msg_id=123, ping_id=5).to_bytes()) == [Pong(123, 5)]
    salts = mt.FutureSalts(req_msg_id=5, now=1, salts=[mt.FutureSalt(valid_since=0, valid_until=2**31 - 1, salt=9)])
    assert _deliver(client, salts.to_bytes(), t=NOW + 1) == []
    assert client.salts.valid_until() == 0.0  # unsolicited salts are not stored


def test_server_asks_about_message_states_and_resends() -> None:
    client = _client()
    (req,) = _sent(client, functions.help.GetNearestDc())
    first = msg_id_at(NOW - 2, 1)
    _deliver(client, types.UpdatesTooLong().to_bytes(), t=NOW - 2)
    client.data_to_send(NOW, flush_acks=True)
    state_req = mt.MsgsStateReq(msg_ids=[first, msg_id_at(NOW + 5, 1), first - 4])
    _deliver(client, state_req.to_bytes(), seqno=0)
    old = req.msg_id
    _deliver(client, mt.MsgResendReq(msg_ids=[old]).to_bytes(), seqno=0, t=NOW + 1)
    _, items = sent_items(KEY, client.data_to_send(NOW) or b"")
    info = mt.MsgsStateInfo.from_bytes(items[0][2])
    assert info.info == bytes([4 + 8, 3, 2])
    assert items[1][0] == req.msg_id != old and req.msg_ids == [old, req.msg_id]


def test_detailed_info_acks_or_asks_again() -> None:
    client = _client()
    (req,) = _sent(client, functions.help.GetNearestDc())
    known = msg_id_at(NOW - 3, 1)
    _deliver(client, types.UpdatesTooLong().to_bytes(), seqno=0, t=NOW - 3)
    _deliver(client, mt.MsgDetailedInfo(msg_id=req.msg_id, answer_msg_id=known, bytes=10, status=0).to_bytes(), seqno=0)
    missing = msg_id_at(NOW - 1, 1)
    _deliver(client, mt.MsgNewDetailedInfo(answer_msg_id=missing, bytes=10, status=0).to_bytes(), seqno=0, t=NOW + 1)
    _, items = sent_items(KEY, client.data_to_send(NOW) or b"")
    assert mt.MsgsAck.from_bytes(items[0][2]).msg_ids == [known]
    assert mt.MsgResendReq.from_bytes(items[1][2]).msg_ids == [missing]


def test_ack_timing() -> None:
    client = _client(ack_delay=5.0)
    assert client.next_deadline() is None
    _deliver(client, types.UpdatesTooLong().to_bytes())
    assert client.next_deadline() == NOW + 5.0
    assert client.data_to_send(NOW + 1) is None  # one ack waits
    assert client.data_to_send(NOW + 5) is not None and client.next_deadline() is None
    for k in range(17):
        _deliver(client, types.UpdatesTooLong().to_bytes(), t=NOW + 6 + k)
    assert client.data_to_send(NOW + 6) is not None  # more than 16: right away


def test_forget_resend_all_and_late_answers() -> None:
    client = _client()
    a, b = _sent(client, functions.help.GetNearestDc(), functions.help.GetNearestDc())
    client.forget(a)
    assert client.unanswered() == [b]
    assert _deliver(client, _result(a, NEAREST.to_bytes())) == []
    old = b.msg_id
    client.resend_all()
    client.resend_all()  # idempotent
    _, items = sent_items(KEY, client.data_to_send(NOW) or b"")
    assert [i[0] for i in items][1:] == [b.msg_id] and b.msg_id != old  # (an ack rides along)
    b_old = mt.RpcResult(req_msg_id=old, result=NEAREST).to_bytes()
    assert _deliver(client, b_old, t=NOW + 1) == [Result(b, NEAREST)]  # the answer to the first copy counts
    assert _deliver(client, _result(b, NEAREST.to_bytes()), t=NOW + 2) == []  # and only once


def test_new_session_ignores_the_old_one() -> None:
    client = _client()
    (req,) = _sent(client, functions.help.GetNearestDc())
    late = server_message(client, _result(req, NEAREST.to_bytes()), NOW)
    old = client.session_id
    assert client.new_session() != old
    assert client.receive(late, NOW) == []
    env, items = sent_items(KEY, client.data_to_send(NOW) or b"")
    assert env.session_id == client.session_id and items[0][1] == 1


def test_size_limits() -> None:
    client = _client()
    with pytest.raises(EncodeError):
        client.send(functions.upload.SaveFilePart(file_id=1, file_part=0, bytes=seeded(2)(1024 * 1024)))
    part = functions.upload.SaveFilePart(file_id=1, file_part=0, bytes=seeded(2)(512 * 1024))
    client.send(functions.help.GetNearestDc())
    client.send(part)
    client.send(functions.help.GetNearestDc())
    sizes = [len(sent_items(KEY, d)[1]) for d in iter(lambda: client.data_to_send(NOW), None)]
    assert sizes == [1, 1, 1]  # the 512 KiB part does not fit a container with the others
    for _ in range(MAX_CONTAINER_ITEMS + 10):
        client.send(functions.help.GetNearestDc())
    sizes = [len(sent_items(KEY, d)[1]) for d in iter(lambda: client.data_to_send(NOW), None)]
    assert sizes == [MAX_CONTAINER_ITEMS, 10]
