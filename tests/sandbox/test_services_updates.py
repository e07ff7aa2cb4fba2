"""updates.getState / updates.getDifference: a client that was offline catches up on everything, in order."""

from __future__ import annotations

from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

from .world_helpers import Caller, Env, make_env


async def setup(env: Env) -> tuple[Caller, int, Caller, int]:
    alice = env.world.add_user("15550100001", "Alice", dc=1)
    bob = env.world.add_user("15550100002", "Bob", dc=2)
    a, b = env.caller(1), env.caller(2)
    await a.login(alice.phone)
    await b.login(bob.phone)
    return a, alice.id, b, bob.id


def difference(pts: int, **kw: int) -> f_updates.GetDifference:
    return f_updates.GetDifference(pts=pts, date=0, qts=0, **kw)


async def catch_up(caller: Caller, pts: int, **kw: int) -> tuple[list[types.Message], int, int, set[int]]:
    """Follow getDifference to the end: (new messages, final pts, number of calls, user ids seen)."""
    found: list[types.Message] = []
    users: set[int] = set()
    for calls in range(1, 100):
        diff = await caller(difference(pts, **kw))
        if isinstance(diff, t_updates.DifferenceEmpty):
            return found, pts, calls, users
        assert isinstance(diff, (t_updates.Difference, t_updates.DifferenceSlice))
        found += diff.new_messages
        users |= {u.id for u in diff.users}
        assert diff.other_updates == [] and diff.chats == []
        if isinstance(diff, t_updates.Difference):
            return found, diff.state.pts, calls, users
        assert diff.intermediate_state.pts > pts
        pts = diff.intermediate_state.pts
    raise AssertionError("getDifference never finished")


async def test_get_state_follows_the_mailbox() -> None:
    env = make_env()
    _, alice_id, b, bob_id = await setup(env)
    state = await b(f_updates.GetState())
    assert isinstance(state, t_updates.State)
    assert (state.pts, state.qts, state.date, state.unread_count) == (2, 0, int(env.clock.now), 1)  # the code
    env.world.send_message(alice_id, bob_id, "hi")
    after = await b(f_updates.GetState())
    assert after.pts == 3 and after.unread_count == 2 and after.seq == state.seq
    empty = await b(difference(after.pts))
    assert empty == t_updates.DifferenceEmpty(date=int(env.clock.now), seq=after.seq)


async def test_difference_after_250_messages_while_offline() -> None:
    env = make_env()
    a, alice_id, b, bob_id = await setup(env)
    before = (await b(f_updates.GetState())).pts
    bob_hash = env.world.user(bob_id).access_hash(alice_id)
    peer = types.InputPeerUser(user_id=bob_id, access_hash=bob_hash)
    for n in range(250):
        env.clock.advance(1)
        await a(f_messages.SendMessage(peer=peer, message=f"message {n}", random_id=n + 1))
    found, pts, calls, users = await catch_up(b, before)
    assert calls == 3  # 100 + 100 + 50
    assert [m.message for m in found] == [f"message {n}" for n in range(250)]
    assert [m.id for m in found] == list(range(2, 252))
    assert all(not m.out and m.peer_id == types.PeerUser(user_id=alice_id) for m in found)
    assert pts == before + 250 == (await b(f_updates.GetState())).pts
    assert alice_id in users
    small, _, small_calls, _ = await catch_up(b, before, pts_limit=40)
    assert small_calls == 7 and [m.id for m in small] == [m.id for m in found]
    assert isinstance(await b(difference(pts)), t_updates.DifferenceEmpty)
    mid, _, _, _ = await catch_up(b, before + 200)
    assert [m.message for m in mid] == [f"message {n}" for n in range(200, 250)]
    alice_view, _, _, _ = await catch_up(a, 1)
    assert [m.message for m in alice_view if m.out] == [f"message {n}" for n in range(250)]


async def test_slice_states_and_too_long() -> None:
    env = make_env(difference_limit=5, difference_too_long=50)
    _, alice_id, b, bob_id = await setup(env)
    start = (await b(f_updates.GetState())).pts
    for n in range(12):
        env.clock.advance(1)
        env.world.send_message(alice_id, bob_id, f"m{n}")
    first = await b(difference(start))
    assert isinstance(first, t_updates.DifferenceSlice)
    assert first.intermediate_state.pts == start + 5
    assert first.intermediate_state.date == first.new_messages[-1].date
    last = await b(difference(start + 10))
    assert isinstance(last, t_updates.Difference) and last.state.pts == start + 12
    assert last.state.unread_count == 13
    too_long = await b(difference(start, pts_total_limit=3))
    assert too_long == t_updates.DifferenceTooLong(pts=start + 12)
    for n in range(50):
        env.world.send_message(alice_id, bob_id, f"more {n}")
    assert isinstance(await b(difference(start)), t_updates.DifferenceTooLong)
