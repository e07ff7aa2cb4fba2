"""The UpdatesManager on its own, with a scripted call path, a memory storage and a state feed: when it
catches up with updates.getDifference (on start, after a reconnect, after a new session, on a gap, after
``silence`` seconds without updates), that a call's own result keeps pts in step, what it delivers and what it
persists, and that a failing handler callback does not stop it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tgfleet.client.updates import Delivery, UpdatesManager
from tgfleet.mtproto.session import NewSession, Update
from tgfleet.net.state import ConnectionState, StateFeed
from tgfleet.net.timeouts import within
from tgfleet.storage import MemoryStorage, UpdateState
from tgfleet.tl import functions, types

from .fakes import PROMPTLY, FakeInvoke, Script

SELF = 1000
PEER = 2000
DIFF = "updates.getDifference"


def empty(seq: int = 0) -> types.updates.DifferenceEmpty:
    return types.updates.DifferenceEmpty(date=100, seq=seq)


def message(msg_id: int) -> types.Message:
    return types.Message(id=msg_id, peer_id=types.PeerUser(user_id=PEER), date=1, message=f"m{msg_id}")


def pushed(pts: int, msg_id: int) -> types.UpdateShort:
    return types.UpdateShort(update=types.UpdateNewMessage(message=message(msg_id), pts=pts, pts_count=1), date=1)


class Deliveries:
    """The dispatch callback: records the message ids it is handed and lets a test await them."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.users: list[Any] = []
        self._changed = asyncio.Event()

    async def __call__(self, delivery: Delivery) -> None:
        assert delivery.self_id == SELF
        self.ids += [u.message.id for u in delivery.updates if isinstance(u, types.UpdateNewMessage)]
        self.users += delivery.users
        self._changed.set()

    async def wait_for(self, count: int) -> None:
        async def _wait() -> None:
            while len(self.ids) < count:
                self._changed.clear()
                await self._changed.wait()

        await within(_wait(), PROMPTLY)


class Harness:
    def __init__(
        self, script: Script, stored: UpdateState | None, silence: float | None = 3600.0, user: int | None = SELF
    ) -> None:
        """``silence``: None for the manager's default."""
        self.storage = MemoryStorage()
        self.storage.open()
        if user is not None:
            self.storage.set_user(user, False)
        if stored is not None:
            self.storage.set_update_state(stored)
        self.invoke = FakeInvoke(script)
        self.states = StateFeed(2)
        self.delivered = Deliveries()
        self.remembered: list[Any] = []
        self.manager = UpdatesManager(
            invoke=self.invoke, storage=self.storage, remember_peers=self.remembered.append, states=self.states,
            dispatch=self.delivered, name="test", **({} if silence is None else {"silence": silence}),
        )  # fmt: skip

    @property
    def pts(self) -> int:
        stored = self.storage.get_update_state()
        assert stored is not None
        return stored.pts


@pytest.fixture
async def started() -> AsyncIterator[Harness]:
    """A manager started on a stored state (pts 10) whose start-up catch-up has been answered."""
    h = Harness(Script().then(DIFF, empty()), UpdateState(pts=10, qts=0, date=50, seq=0))
    await h.manager.start()
    await h.invoke.calls.wait_for(DIFF, 1)
    yield h
    await h.manager.stop()


async def test_start_without_a_state_asks_for_it_then_catches_up() -> None:
    state = types.updates.State(pts=42, qts=0, date=7, seq=3, unread_count=0)
    h = Harness(Script().then("updates.getState", state).then(DIFF, empty(seq=3)), stored=None)
    await h.manager.start()
    await h.invoke.calls.wait_for(DIFF, 1)
    assert h.invoke.calls.names == ["updates.getState", DIFF]
    assert h.invoke.calls.queries[1].pts == 42 and h.pts == 42
    await h.manager.stop()


async def test_not_logged_in_means_no_updates() -> None:
    h = Harness(Script(), stored=None, user=None)
    await h.manager.start()
    assert not h.manager.running and h.invoke.calls.names == []


async def test_every_reconnect_catches_up(started: Harness) -> None:
    started.states.set(ConnectionState.DISCONNECTED, "dropped")
    started.states.set(ConnectionState.CONNECTING)
    started.states.set(ConnectionState.CONNECTED)
    await started.invoke.calls.wait_for(DIFF, 2)


async def test_a_new_session_catches_up(started: Harness) -> None:
    started.manager.on_event(NewSession(first_msg_id=1, unique_id=2, server_salt=3))
    await started.invoke.calls.wait_for(DIFF, 2)


async def test_silence_catches_up_by_itself() -> None:
    h = Harness(Script().then(DIFF, empty()), UpdateState(pts=10, qts=0, date=50, seq=0), silence=0.01)
    await h.manager.start()
    await h.invoke.calls.wait_for(DIFF, 3)  # the start-up one, then one per silence
    await h.manager.stop()


async def test_by_default_15_minutes_of_silence_catch_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram's figure (https://core.telegram.org/api/updates): the loop's clock is moved on instead of waited
    for, to just short of 15 minutes after the start-up catch-up; the next one comes once they are full."""
    loop = asyncio.get_running_loop()
    real, skipped = loop.time, [0.0]
    monkeypatch.setattr(loop, "time", lambda: real() + skipped[0])
    asked: list[float] = []

    def difference(_: Any) -> types.updates.DifferenceEmpty:
        asked.append(loop.time())
        return empty()

    h = Harness(Script().then(DIFF, difference), UpdateState(pts=10, qts=0, date=50, seq=0), silence=None)
    await h.manager.start()
    await h.invoke.calls.wait_for(DIFF, 1)
    skipped[0] += 15 * 60 - 1.0  # the timer is a second of real time away now
    await h.invoke.calls.wait_for(DIFF, 2)
    assert 15 * 60 <= asked[1] - asked[0] < 15 * 60 + PROMPTLY
    await h.manager.stop()


async def test_a_calls_own_result_keeps_pts_in_step(started: Harness) -> None:
    started.manager.feed([types.User(id=PEER, access_hash=1, first_name="Peer")])  # known: no look-up for him
    started.manager.feed(types.UpdateShortSentMessage(id=5, pts=11, pts_count=1, date=1, out=True))
    started.manager.on_event(Update(obj=pushed(12, msg_id=6), msg_id=0))  # the next pts after our own
    await started.delivered.wait_for(1)
    assert started.delivered.ids == [6] and started.pts == 12
    assert started.invoke.calls.count(DIFF) == 1  # no gap, so no catch-up beyond the start-up one


async def test_a_result_that_is_no_update_is_ignored(started: Harness) -> None:
    started.manager.feed([types.User(id=PEER, access_hash=1)])  # e.g. users.getUsers
    started.manager.on_event(Update(obj=pushed(11, msg_id=6), msg_id=0))
    await started.delivered.wait_for(1)
    assert started.pts == 11


async def test_a_gap_is_filled_by_the_difference_slice_by_slice(started: Harness) -> None:
    middle = types.updates.State(pts=12, qts=0, date=60, seq=0, unread_count=0)
    final = types.updates.State(pts=13, qts=0, date=70, seq=0, unread_count=0)
    user = types.User(id=PEER, access_hash=9)
    started.invoke.script.then(
        DIFF,
        types.updates.DifferenceSlice(
            new_messages=[message(1), message(2)], new_encrypted_messages=[], other_updates=[], chats=[],
            users=[user], intermediate_state=middle,
        ),
        types.updates.Difference(
            new_messages=[message(3)], new_encrypted_messages=[], other_updates=[], chats=[], users=[], state=final
        ),
        empty(),
    )  # fmt: skip
    started.manager.on_event(Update(obj=pushed(14, msg_id=4), msg_id=0))  # 11..13 are missing
    await started.delivered.wait_for(3)
    assert started.delivered.ids == [1, 2, 3] and started.delivered.users == [user]
    assert [q.pts for q in started.invoke.calls.queries[1:]] == [10, 12]  # each slice from where the last ended
    assert started.pts == 13  # persisted


async def test_a_failing_dispatch_does_not_stop_the_updates(started: Harness) -> None:
    real = started.manager.dispatch
    calls = 0

    async def flaky(delivery: Delivery) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("a bug in whatever runs the handlers")
        await real(delivery)

    started.manager.dispatch = flaky
    started.manager.on_event(Update(obj=pushed(11, msg_id=1), msg_id=0))
    started.manager.on_event(Update(obj=pushed(12, msg_id=2), msg_id=0))
    await started.delivered.wait_for(1)
    assert started.delivered.ids == [2] and started.manager.running


async def test_stop_ends_the_task_and_the_reconnect_listener(started: Harness) -> None:
    await started.manager.stop()
    assert not started.manager.running
    started.states.set(ConnectionState.CONNECTED, "again")
    started.manager.on_event(Update(obj=pushed(11, msg_id=1), msg_id=0))
    await started.manager.stop()  # a second stop waits for nothing
    assert started.invoke.calls.count(DIFF) == 1 and started.delivered.ids == []


async def test_an_unknown_sender_is_looked_up_once_before_dispatch(started: Harness) -> None:
    peer = types.User(id=PEER, access_hash=1, first_name="Peer")
    full = types.updates.Difference(
        new_messages=[message(6)], new_encrypted_messages=[], other_updates=[], chats=[], users=[peer],
        state=types.updates.State(pts=11, qts=0, date=1, seq=0, unread_count=0),
    )  # fmt: skip
    started.invoke.script.then(DIFF, full)
    short = types.UpdateShortMessage(id=6, user_id=PEER, message="m6", pts=11, pts_count=1, date=1)
    started.manager.on_event(Update(obj=short, msg_id=0))
    await started.delivered.wait_for(1)
    assert started.delivered.ids == [6] and started.delivered.users == [peer]  # named, and delivered once
    assert started.invoke.calls.count(DIFF) == 2 and started.invoke.calls.queries[-1].pts == 10  # from before it
    started.manager.on_event(Update(obj=pushed(12, msg_id=7), msg_id=0))
    await started.delivered.wait_for(2)
    assert started.invoke.calls.count(DIFF) == 2  # remembered since


async def test_a_deletions_answer_keeps_pts_in_step_and_one_past_a_gap_catches_up(started: Harness) -> None:
    started.manager.feed([types.User(id=PEER, access_hash=1, first_name="Peer")])  # known: no look-up for him
    deleted = types.messages.AffectedMessages(pts=12, pts_count=2)
    started.manager.feed(deleted, functions.messages.DeleteMessages(id=[1, 2], revoke=True))
    started.manager.on_event(Update(obj=pushed(13, msg_id=6), msg_id=0))
    await started.delivered.wait_for(1)
    assert started.pts == 13 and started.invoke.calls.count(DIFF) == 1  # her own change is no gap

    final = types.updates.State(pts=15, qts=0, date=70, seq=0, unread_count=0)
    started.invoke.script.then(DIFF, types.updates.Difference(
        new_messages=[message(7)], new_encrypted_messages=[], other_updates=[], chats=[], users=[], state=final,
    ))  # fmt: skip
    read = types.messages.AffectedMessages(pts=15, pts_count=1)  # 14 never came
    started.manager.feed(read, functions.messages.ReadHistory(peer=types.InputPeerSelf(), max_id=0))
    await started.delivered.wait_for(2)
    assert started.delivered.ids == [6, 7] and started.pts == 15
    assert started.invoke.calls.queries[-1].pts == 13  # the difference from where she was
