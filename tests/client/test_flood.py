"""Flood waits: slept and retried under the threshold, raised above it, remembered per method so the next
call does not reach the server, reported every time; SLOWMODE_WAIT and FLOOD_PREMIUM_WAIT alike."""

from __future__ import annotations

import time

import pytest

from tgfleet import FloodWaitEvent
from tgfleet.errors import FloodWait
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions

from .helpers import logged_in

GET_USERS = functions.users.GetUsers


async def test_wait_under_threshold_is_slept_and_the_call_succeeds() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550400001", first_name="Eve", dc=1)
        events: list[FloodWaitEvent] = []
        client = await logged_in(tg, user.phone, sleep_threshold=5, on_flood_wait=events.append)
        tg.force_flood(GET_USERS, 1)
        started = time.monotonic()
        assert (await client.get_me()).id == user.id
        assert time.monotonic() - started >= 1.0
        assert events == [FloodWaitEvent("users.getUsers", 1.0, True, "server", "FLOOD_WAIT_1")]
        await client.disconnect()


async def test_wait_over_threshold_raises_and_is_remembered() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550400002", first_name="Fay", dc=1)
        events: list[FloodWaitEvent] = []
        client = await logged_in(tg, user.phone, sleep_threshold=5, on_flood_wait=events.append)
        tg.force_flood(GET_USERS, 30, times=1)  # only the first call is refused by the server
        with pytest.raises(FloodWait) as first:
            await client.get_me()
        assert first.value.value == 30
        started = time.monotonic()
        with pytest.raises(FloodWait) as second:  # the server would answer now: this never reached it
            await client.get_me()
        assert time.monotonic() - started < 0.5 and 28 <= second.value.value <= 30
        assert [(e.source, e.slept) for e in events] == [("server", False), ("remembered", False)]
        assert (await client.send_message("me", "other methods are not held back")).text
        await client.disconnect()


@pytest.mark.parametrize("error", ["SLOWMODE_WAIT_1", "FLOOD_PREMIUM_WAIT_1"])
async def test_other_flood_errors_are_slept_too(error: str) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550400003", first_name="Gil", dc=1)
        events: list[FloodWaitEvent] = []
        client = await logged_in(tg, user.phone, sleep_threshold=5, on_flood_wait=events.append)
        tg.force_error(functions.messages.SendMessage, 420, error)
        message = await client.send_message("me", "after the wait")
        assert message.text == "after the wait" and [e.error for e in events] == [error]
        await client.disconnect()


async def test_a_wait_longer_than_the_timeout_raises_instead_of_sleeping() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550400004", first_name="Hal", dc=1)
        client = await logged_in(tg, user.phone, sleep_threshold=60)
        tg.force_flood(GET_USERS, 5)
        started = time.monotonic()
        with pytest.raises(FloodWait):
            await client.invoke(GET_USERS(id=[]), timeout=2)
        assert time.monotonic() - started < 1.0
        await client.disconnect()
