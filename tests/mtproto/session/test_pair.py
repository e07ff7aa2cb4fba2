"""A ClientSession and ServerSessions wired together in memory: a thousand real RPCs through every fault
the session layer must absorb, each answered exactly once."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tgfleet.errors import FloodWait
from tgfleet.mtproto.session import (
    Acked,
    Call,
    NewSession,
    Rejected,
    Request,
    Result,
    RpcFailed,
    SessionCreated,
)
from tgfleet.tl import TLFunction, functions, types
from tgfleet.tl import mtproto as mt

from .helpers import Pair


def _call(i: int) -> TLFunction[Any]:
    kind = i % 5
    if kind == 0:
        return functions.help.GetConfig()
    if kind == 1:
        text = f"message {i} " + "lorem ipsum dolor sit amet " * (40 if i % 10 == 1 else 1)
        return functions.messages.SendMessage(peer=types.InputPeerSelf(), message=text, random_id=i)
    if kind == 2:
        return functions.users.GetUsers(id=[types.InputUserSelf()] * (i % 20 + 1))
    if kind == 3:
        return functions.InvokeWithLayer(layer=229, query=functions.help.GetNearestDc())
    return functions.help.GetNearestDc()


def _check(request: Request, value: Any) -> None:
    fn = request.function
    if isinstance(fn, functions.help.GetConfig):
        assert isinstance(value, types.Config) and len(value.dc_options) == 40
    elif isinstance(fn, functions.messages.SendMessage):
        assert isinstance(value, types.UpdateShortSentMessage) and value.id == fn.random_id
    elif isinstance(fn, functions.users.GetUsers):
        assert [u.id for u in value] == [1000 + k for k in range(len(fn.id))]
    elif isinstance(fn, mt.GetFutureSalts):
        assert isinstance(value, mt.FutureSalts) and len(value.salts) == 4
    elif isinstance(fn, mt.Ping):
        assert isinstance(value, mt.Pong) and value.ping_id == fn.ping_id
    else:
        assert isinstance(value, types.NearestDc)


def _faults(pair: Pair, i: int) -> None:
    """Inject the fault planned before request ``i`` (between rounds, nothing in flight)."""
    if i == 300:
        pair.salts.rotate(pair.now)  # the client's salt is dead: bad_server_salt, resend
    elif i == 500:
        pair.servers.clear()  # the server forgot the session: new_session_created
    elif i == 700:
        pair.skew = 0.0  # the local clock jumps 400 s ahead (offset still +400): error 17, clock fixed
    elif i == 750:
        pair.skew = -400.0  # and back: our msg_ids stay monotonic, the server's answers look 400 s early
    elif i == 800:
        pair.client.send(mt.GetFutureSalts(num=4))
        pair.client.ping(42)
    elif i == 850:
        pair.now += 2000.0  # the salt period changes; the client switches to the fetched salt by itself


def test_thousand_rpcs_with_faults() -> None:
    pair = Pair(seed=3, salt=0)  # no salt yet: bad_server_salt
    thousand_rpcs_with_faults(pair, bad_salts=2)


def thousand_rpcs_with_faults(pair: Pair, bad_salts: int) -> None:
    """The thousand-RPC scenario; ``bad_salts``: how many bad_server_salt (48) the server sends (one for the
    rotation at request 300, plus one if the client starts without a valid salt)."""
    pair.skew = -400.0  # and the local clock is 400 s behind the server's: error 16 first
    requests: list[Request] = []
    offsets: dict[int, float] = {}
    for i in range(1000):
        _faults(pair, i)
        requests.append(pair.client.send(_call(i)))
        if i % 25 == 24:
            pair.run()
            offsets[i] = pair.client.time_offset
    pair.run()
    assert (offsets[24], offsets[724], offsets[774]) == (400.0, 0.0, 400.0)  # 16, then 17, then the jump back

    answered = Counter(e.request.id for e in pair.events if isinstance(e, Result | RpcFailed))
    assert not pair.client.unanswered()
    assert all(answered[r.id] == 1 for r in requests)
    assert sum(answered.values()) == len(requests) + 2  # + get_future_salts and ping
    for event in pair.events:
        if isinstance(event, Result):
            _check(event.request, event.value)
        elif isinstance(event, RpcFailed):
            assert isinstance(event.error, FloodWait) and event.error.value == 3
            assert event.request.function.random_id % 17 == 0  # type: ignore[attr-defined]

    codes = Counter(e.code for e in pair.server_events if isinstance(e, Rejected))
    assert codes == {16: 1, 48: bad_salts, 17: 1}
    assert sum(isinstance(e, SessionCreated) for e in pair.server_events) == 2
    assert sum(isinstance(e, NewSession) for e in pair.events) == 2
    assert 399 < pair.client.time_offset < 401  # fixed from error 16, 17 and the early answers
    assert any(isinstance(e, Acked) for e in pair.server_events)
    for server in pair.servers.values():  # the client acknowledged everything: nothing is left to resend
        server.resend_unacked()
        assert server.data_to_send(pair.now) is None
    assert pair.calls == 1000  # each call reached the handler once


def test_containers_acks_and_gzip_on_the_wire() -> None:
    pair = Pair(seed=5)
    sizes: list[int] = []
    send = pair.to_server

    def spy(data: bytes) -> None:
        sizes.append(len(data))
        send(data)

    pair.to_server = spy  # type: ignore[method-assign]
    for i in range(60):
        pair.client.send(_call(i))
    pair.run()
    assert len(sizes) <= 3  # 60 calls (some gzip-packed) go out in one container, then acks
    assert sum(isinstance(e, Call) for e in pair.server_events) == 60
    assert sum(isinstance(e, Result | RpcFailed) for e in pair.events) == 60
    assert pair.client.next_deadline() is None  # every ack went out
