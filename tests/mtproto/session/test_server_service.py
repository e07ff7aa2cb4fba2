"""Server role: what the session answers by itself, replies, pushes, acks and re-sending."""

from __future__ import annotations

from typing import Any

import pytest

from tgfleet.crypto.kdf import X_SERVER, AuthKey
from tgfleet.errors import DecodeError, EncodeError, rpc_error
from tgfleet.mtproto.session import Acked, Call, Pinged, ServerSalts, ServerSession, Undecodable, Update, open_envelope
from tgfleet.mtproto.session.body import split
from tgfleet.tl import decode, functions, types
from tgfleet.tl import mtproto as mt

from .helpers import NOW, Pair, client_message, container, msg_id_at, seeded

KEY = seeded(41)(256)
SID = 77
T = msg_id_at(NOW)


def _decode(body: bytes) -> Any:
    try:
        return decode(body)
    except DecodeError:
        return body  # e.g. an rpc_result holding a Vector<long>, which only its call can decode


class Client:
    """A minimal hand-driven client: numbered messages in, decoded server messages out."""

    def __init__(self) -> None:
        self.server = ServerSession(KEY, SID, salts=ServerSalts(random=seeded(2)), random=seeded(3))
        self.next_id = T
        self.seq = 0

    def send(self, *bodies: bytes, content: bool = True) -> list[Any]:
        items = []
        for body in bodies:
            items.append((self.next_id, 2 * self.seq + (1 if content else 0), body))
            self.seq += 1 if content else 0
            self.next_id += 4
        msg_id, seqno, body = items[0] if len(items) == 1 else (self.next_id, 2 * self.seq, container(items))
        self.next_id += 4 if len(items) > 1 else 0
        data = client_message(KEY, SID, msg_id, seqno, body, self.server.salts.current(NOW))
        return list(self.server.receive(data, NOW))

    def received(self) -> list[tuple[int, int, Any]]:
        out = []
        while (data := self.server.data_to_send(NOW)) is not None:
            env = open_envelope(AuthKey(KEY), data, X_SERVER)
            out += [(i.msg_id, i.seqno, _decode(i.body)) for i in split(env.body, env.msg_id, env.seqno)[1]]
        return [x for x in out if not isinstance(x[2], mt.NewSessionCreated)]


def test_ping_future_salts_and_state() -> None:
    c = Client()
    ping_id = c.next_id
    events = c.send(
        mt.PingDelayDisconnect(ping_id=5, disconnect_delay=75).to_bytes(), mt.GetFutureSalts(num=2).to_bytes()
    )
    assert events[1:] == [Pinged(5, 75)]
    (pong_id, pong_seq, pong), (_, _, salts) = c.received()
    assert pong == mt.Pong(msg_id=ping_id, ping_id=5) and pong_id % 4 == 1 and pong_seq % 2 == 0
    assert isinstance(salts, mt.FutureSalts) and salts.req_msg_id == ping_id + 4 and len(salts.salts) == 2
    call_id = c.next_id
    c.send(functions.help.GetNearestDc().to_bytes())
    c.send(mt.MsgsStateReq(msg_ids=[ping_id, call_id, call_id + 400, ping_id - 4000]).to_bytes(), content=False)
    (_, _, info), *_ = [x for x in c.received() if isinstance(x[2], mt.MsgsStateInfo)]
    assert info.info == bytes([4 | 32 | 64, 4 | 32, 3, 2])


def _calls(events: list[Any]) -> list[int]:
    return [e.msg_id for e in events if isinstance(e, Call)]


def test_replies_in_every_form() -> None:
    c = Client()
    a, b, d, e, f = _calls(c.send(*[functions.help.GetNearestDc().to_bytes() for _ in range(5)]))
    nearest = types.NearestDc(country="NL", this_dc=2, nearest_dc=2)
    assert c.server.reply(a, nearest) and not c.server.reply(a, nearest)  # once only
    assert not c.server.reply(12345, nearest)
    assert c.server.reply(b, rpc_error(420, "FLOOD_WAIT_3"))
    assert c.server.reply(d, (400, "PEER_ID_INVALID"))
    vector = bytes.fromhex("15c4b51c010000000700000000000000")
    assert c.server.reply(e, vector)  # Vector<long>, pre-serialized
    with pytest.raises(EncodeError):
        c.server.reply(f, types.NearestDc(country=None, this_dc=2, nearest_dc=2))  # type: ignore[arg-type]
    assert c.server.reply(f, nearest)  # the call stayed pending
    received = [x[2] for x in c.received()]
    results = {x.req_msg_id: x.result for x in received if isinstance(x, mt.RpcResult)}
    raw = [x for x in received if isinstance(x, bytes)]
    assert raw == [mt.RpcResult(req_msg_id=e, result=mt.RpcAnswerUnknown()).to_bytes()[:12] + vector]
    assert results[a] == results[f] == nearest
    assert results[b] == mt.RpcError(error_code=420, error_message="FLOOD_WAIT_3")
    assert results[d] == mt.RpcError(error_code=400, error_message="PEER_ID_INVALID")
    assert functions.messages.ReceivedQueue(max_qts=1).read_result(raw[0][12:]) == [7]


def test_invalid_calls_get_rpc_error() -> None:
    c = Client()
    truncated = functions.messages.SendMessage(peer=types.InputPeerSelf(), message="hi", random_id=1).to_bytes()[:-8]
    mangled = b"\xff\xff" + functions.help.GetNearestDc().to_bytes()[2:]
    events = c.send(b"\x01\x02\x03\x04", mangled, truncated, types.UpdatesTooLong().to_bytes())
    assert [type(e) for e in events[1:]] == [Undecodable] * 3
    errors = [x[2].result.error_message for x in c.received() if isinstance(x[2], mt.RpcResult)]
    assert errors == [
        "INPUT_CONSTRUCTOR_INVALID",
        "INPUT_CONSTRUCTOR_INVALID",
        "INPUT_FETCH_FAIL",
        "INPUT_METHOD_INVALID",
    ]
    assert [type(e) for e in c.send(b"\x01\x02\x03\x04", content=False)] == [Undecodable]
    assert [x for x in c.received() if isinstance(x[2], mt.RpcResult)] == []  # not content-related: no answer


def test_acks_unacked_and_resend() -> None:
    c = Client()
    (call,) = _calls(c.send(functions.help.GetNearestDc().to_bytes()))
    c.server.reply(call, types.NearestDc(country="NL", this_dc=2, nearest_dc=2))
    c.server.push(types.UpdatesTooLong())
    sent = c.received()
    ids = [msg_id for msg_id, seqno, _ in sent if seqno & 1]
    assert [i % 4 for i in ids] == [1, 3]
    # the client asks for the update again, then the connection drops: both go out under the same ids
    c.send(mt.MsgResendReq(msg_ids=[ids[1]]).to_bytes(), content=False)
    again = c.received()
    assert [x[0] for x in again] == [ids[1]]
    c.server.resend_unacked()
    c.server.resend_unacked()
    assert [x[0] for x in c.received()] == ids
    assert c.send(mt.MsgsAck(msg_ids=ids).to_bytes(), content=False)[-1] == Acked(ids)
    c.server.resend_unacked()
    assert c.received() == []
    c.send(mt.MsgResendReq(msg_ids=[ids[0]]).to_bytes(), content=False)
    assert isinstance(c.received()[0][2], mt.MsgsStateInfo)  # forgotten: status instead


def test_drop_answer() -> None:
    c = Client()
    (call,) = _calls(c.send(functions.help.GetNearestDc().to_bytes()))
    c.send(mt.RpcDropAnswer(req_msg_id=call).to_bytes(), mt.RpcDropAnswer(req_msg_id=1).to_bytes())
    results = [x[2] for x in c.received() if isinstance(x[2], mt.RpcResult)]
    assert [r.result for r in results] == [mt.RpcAnswerDroppedRunning()] * 2 + [mt.RpcAnswerUnknown()]
    assert results[0].req_msg_id == call
    assert not c.server.reply(call, types.NearestDc(country="NL", this_dc=2, nearest_dc=2))  # dropped


def test_pushed_updates_reach_the_client_gzipped() -> None:
    pair = Pair(seed=6)
    pair.client.send(functions.help.GetNearestDc())
    pair.run()
    server = pair.servers[pair.client.session_id]
    big = types.UpdateShort(update=types.UpdateConfig(), date=1)
    updates = types.Updates(updates=[big.update] * 300, users=[], chats=[], date=1, seq=0)
    server.push(updates)
    server.push(types.UpdatesTooLong().to_bytes())
    pair.run()
    got = [e.obj for e in pair.events if isinstance(e, Update)]
    assert got == [updates, types.UpdatesTooLong()]
    server.resend_unacked()  # both were acknowledged: nothing to resend
    assert server.data_to_send(pair.now) is None


def test_calls_are_surfaced_whole() -> None:
    c = Client()
    wrapped = functions.InvokeWithLayer(layer=229, query=functions.help.GetConfig())
    events = c.send(wrapped.to_bytes(), mt.DestroySession(session_id=3).to_bytes())
    assert events[1:] == [Call(T, wrapped), Call(T + 4, mt.DestroySession(session_id=3))]
