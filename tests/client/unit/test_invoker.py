"""The Invoker on its own, over a fake DC pool: the per-chat rate limit keyed by the call's peer, every result
handed on (own updates included), migration (home moves, one call elsewhere, the limit), flood waits (slept,
raised, remembered per method, reported) and the permanent errors that fail the sender."""

from __future__ import annotations

from typing import Any

import pytest

from tgfleet import FloodWaitEvent, RateLimits
from tgfleet.client.floods import FloodWaits
from tgfleet.client.invoke import MAX_MIGRATIONS, Invoker
from tgfleet.client.ratelimit import RateLimiter
from tgfleet.errors import AuthKeyDuplicated, AuthKeyUnregistered, FloodWait, RequestTimeout, UserMigrate, rpc_error
from tgfleet.tl import functions, types

from .fakes import FakePool, Script

GET_USERS = functions.users.GetUsers(id=[types.InputUserSelf()])
ME = [types.User(id=1, access_hash=5, is_self=True)]


def send(user_id: int) -> functions.messages.SendMessage:
    peer = types.InputPeerUser(user_id=user_id, access_hash=7)
    return functions.messages.SendMessage(peer=peer, message="hi", random_id=user_id)


class Harness:
    def __init__(self, script: Script, limits: RateLimits | None = None, logged_in: bool = True, **pool: Any):
        self.pool = FakePool(script, **pool)
        self.results: list[Any] = []
        self.events: list[FloodWaitEvent] = []
        self.invoker = Invoker(
            self.pool, limiter=RateLimiter(limits or RateLimits.disabled()), floods=FloodWaits(self.events.append),
            on_result=lambda result, query: self.results.append((result, query)),
            user_id=lambda: 1 if logged_in else None,
        )  # fmt: skip

    async def __call__(
        self, query: Any, timeout: float = 5.0, threshold: float = 10.0, dc_id: int | None = None, media: bool = False
    ) -> Any:
        return await self.invoker.invoke(query, timeout=timeout, sleep_threshold=threshold, dc_id=dc_id, media=media)


SENT = types.UpdateShortSentMessage(id=1, pts=11, pts_count=1, date=1, out=True)


async def test_the_per_chat_limit_holds_back_one_chat_not_the_others() -> None:
    limits = RateLimits(requests_per_second=None, messages_per_second=None, per_chat_per_second=1.0, burst=1)
    call = Harness(Script().then("messages.sendMessage", SENT).then("users.getUsers", ME), limits)
    await call(send(1))
    with pytest.raises(RequestTimeout, match="rate limit"):  # the next token for chat 1 is a second away
        await call(send(1), timeout=0.3)
    await call(send(2), timeout=0.3)  # another chat has its own bucket
    await call(GET_USERS, timeout=0.3)  # not a message: no per-chat limit
    assert call.pool.calls.names == ["messages.sendMessage"] * 2 + ["users.getUsers"]


async def test_every_result_is_handed_on_own_updates_included() -> None:
    call = Harness(Script().then("messages.sendMessage", SENT).then("users.getUsers", ME))
    sent = send(1)
    assert await call(sent) is SENT
    assert await call(GET_USERS) is ME
    assert call.results == [(SENT, sent), (ME, GET_USERS)]  # each with its call, for the pts of its change


async def test_an_error_hands_nothing_on() -> None:
    call = Harness(Script().then("users.getUsers", rpc_error(400, "USER_ID_INVALID")))
    with pytest.raises(Exception, match="USER_ID_INVALID"):
        await call(GET_USERS)
    assert call.results == []


async def test_phone_migrate_moves_home_and_repeats_there() -> None:
    call = Harness(Script(), on_dc={2: Script().then("users.getUsers", rpc_error(303, "PHONE_MIGRATE_3")),
                                    3: Script().then("users.getUsers", ME)})  # fmt: skip
    assert await call(GET_USERS) is ME
    assert call.pool.home_dc == 3 and call.pool.used == [2, 3]


async def test_a_call_for_a_given_dc_is_not_moved_and_migrations_are_bounded() -> None:
    always = Script().then("users.getUsers", rpc_error(303, "USER_MIGRATE_4"))
    call = Harness(always)
    with pytest.raises(UserMigrate):
        await call(GET_USERS, dc_id=5)
    assert call.pool.home_dc == 2 and call.pool.used == [5]
    with pytest.raises(Exception, match="USER_MIGRATE_4"):
        await call(GET_USERS)
    assert len(call.pool.used) == 1 + 1 + MAX_MIGRATIONS  # the first try and each move, then it gives up


async def test_file_migrate_repeats_one_call_on_that_dc_only() -> None:
    call = Harness(Script(), on_dc={2: Script().then("users.getUsers", rpc_error(303, "FILE_MIGRATE_4")),
                                    4: Script().then("users.getUsers", ME)})  # fmt: skip
    assert await call(GET_USERS) is ME
    assert call.pool.used == [2, 4] and call.pool.home_dc == 2
    assert await call(GET_USERS, media=True) is ME  # a file transfer moves to DC 4's media sender
    assert call.pool.used[2:] == [2, 4] and call.pool.media[2:] == [True, True]


async def test_a_flood_wait_under_the_threshold_is_slept_and_retried() -> None:
    call = Harness(Script().then("users.getUsers", rpc_error(420, "FLOOD_WAIT_1"), ME))
    assert await call(GET_USERS, threshold=5) is ME
    assert call.events == [FloodWaitEvent("users.getUsers", 1.0, True, "server", "FLOOD_WAIT_1")]
    assert call.pool.calls.names == ["users.getUsers"] * 2


async def test_a_flood_wait_over_the_threshold_raises_and_is_remembered_for_that_method() -> None:
    call = Harness(
        Script().then("users.getUsers", rpc_error(420, "FLOOD_WAIT_30"), ME).then("messages.sendMessage", SENT)
    )
    with pytest.raises(FloodWait) as first:
        await call(GET_USERS, threshold=5)
    with pytest.raises(FloodWait) as second:  # the server would answer now: this never reaches it
        await call(GET_USERS, threshold=5)
    assert first.value.value == 30 and 28 <= second.value.value <= 30
    assert call.pool.calls.names == ["users.getUsers"]
    assert [(e.source, e.slept) for e in call.events] == [("server", False), ("remembered", False)]
    assert await call(send(1)) is SENT  # other methods are not held back


async def test_a_flood_wait_longer_than_the_budget_raises_at_once() -> None:
    call = Harness(Script().then("users.getUsers", rpc_error(420, "FLOOD_WAIT_5")))
    with pytest.raises(FloodWait):
        await call(GET_USERS, timeout=2, threshold=60)
    assert call.events[0].slept is False


@pytest.mark.parametrize("logged_in", [True, False])
async def test_a_revoked_key_fails_the_sender_of_a_logged_in_session(logged_in: bool) -> None:
    call = Harness(Script().then("users.getUsers", rpc_error(401, "AUTH_KEY_UNREGISTERED")), logged_in=logged_in)
    with pytest.raises(AuthKeyUnregistered):
        await call(GET_USERS)
    failed = call.pool.senders[2].failed
    assert isinstance(failed, AuthKeyUnregistered) if logged_in else failed is None


async def test_a_duplicated_key_always_fails_the_sender() -> None:
    call = Harness(Script().then("users.getUsers", rpc_error(406, "AUTH_KEY_DUPLICATED")), logged_in=False)
    with pytest.raises(AuthKeyDuplicated):
        await call(GET_USERS)
    assert isinstance(call.pool.senders[2].failed, AuthKeyDuplicated)
