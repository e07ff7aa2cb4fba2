"""Hypothesis state machine: calls, lost messages, reconnects, salt rotation, forgotten sessions and time
jumps in any order; after a final reconnect every call is answered exactly once."""

from __future__ import annotations

from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tgfleet.mtproto.session import Request, Result, RpcFailed
from tgfleet.tl import functions, types

from .helpers import Pair


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pair = Pair(seed=12)
        self.requests: list[Request] = []
        self.held: list[bytes] = []

    @rule(n=st.integers(1, 5), kind=st.integers(0, 2))
    def send(self, n: int, kind: int) -> None:
        for _ in range(n):
            i = len(self.requests)
            if kind == 0:
                call = functions.help.GetNearestDc()
            elif kind == 1:
                call = functions.messages.SendMessage(peer=types.InputPeerSelf(), message="hi " * i, random_id=i + 1)
            else:
                call = functions.users.GetUsers(id=[types.InputUserSelf()] * (i % 7 + 1))
            self.requests.append(self.pair.client.send(call))

    @rule(drop=st.booleans(), flush=st.booleans())
    def client_sends(self, drop: bool, flush: bool) -> None:
        while (data := self.pair.client.data_to_send(self.pair.now, flush_acks=flush)) is not None:
            if not drop:
                self.pair.to_server(data)

    @rule(fate=st.sampled_from(["deliver", "drop", "hold"]))
    def server_sends(self, fate: str) -> None:
        for session in list(self.pair.servers.values()):
            while (data := session.data_to_send(self.pair.now)) is not None:
                if fate == "deliver":
                    self.pair.events.extend(self.pair.client.receive(data, self.pair.now))
                elif fate == "hold":
                    self.held.append(data)

    @rule(twice=st.booleans())
    def release_held(self, twice: bool) -> None:
        """Late (maybe after time jumps), out of order, and possibly duplicated delivery."""
        for data in reversed(self.held * (2 if twice else 1)):
            self.pair.events.extend(self.pair.client.receive(data, self.pair.now))
        self.held.clear()

    @rule()
    def reconnect(self) -> None:
        self.pair.client.resend_all()
        for session in self.pair.servers.values():
            session.resend_unacked()

    @rule()
    def rotate_salt(self) -> None:
        self.pair.salts.rotate(self.pair.now)

    @rule()
    def server_forgets(self) -> None:
        self.pair.servers.clear()

    @rule(seconds=st.sampled_from([0.5, 20.0, 250.0, 2000.0]))
    def time_passes(self, seconds: float) -> None:
        self.pair.now += seconds

    @invariant()
    def never_answered_twice(self) -> None:
        answered = Counter(e.request.id for e in self.pair.events if isinstance(e, Result | RpcFailed))
        assert all(n == 1 for n in answered.values())

    def teardown(self) -> None:
        self.reconnect()
        for _ in range(30):
            if not self.pair.round():
                break
        self.pair.round(flush_acks=True)
        answered = Counter(e.request.id for e in self.pair.events if isinstance(e, Result | RpcFailed))
        assert [answered[r.id] for r in self.requests] == [1] * len(self.requests)
        assert self.pair.client.unanswered() == []


SessionMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestSessionMachine = SessionMachine.TestCase
