"""The account's sessions through the sandbox, on a world clock the test moves: get_active_sessions (the current one
marked, the app of each), reset_session / ActiveSession.reset and reset_sessions, each refused with
FreshResetAuthorisationForbidden while the caller's session is younger than a day; an ended session's next call
answers SessionRevoked."""

from __future__ import annotations

import pytest

from tgfleet import Client, errors
from tgfleet.types import ActiveSession

from ..sandbox.test_account_states import sandbox
from .helpers import logged_in

DAY = 86400


async def test_list_the_sessions_and_end_one_once_a_day_old() -> None:
    async with sandbox() as (tg, _, clock):
        user = tg.add_user("+15557510001", "Owner", dc=1)
        first = await logged_in(tg, user.phone, "first", device_model="laptop")
        second = await logged_in(tg, user.phone, "second", device_model="phone")
        try:
            listed = await first.get_active_sessions()
            assert listed.inactive_session_ttl_days > 0
            current, other = sorted(listed.active_sessions, key=lambda s: not s.is_current)
            assert (current.is_current, current.id, current.device_model) == (True, 0, "laptop")
            assert (other.is_current, other.device_model, other.is_unconfirmed) == (False, "phone", True)
            assert other.id != 0 and other.log_in_date is not None
            with pytest.raises(errors.FreshResetAuthorisationForbidden):
                await first.reset_session(other.id)
            assert len((await second.get_active_sessions()).active_sessions) == 2  # nothing ended
            clock.advance(DAY)
            with pytest.raises(errors.HashInvalid):
                await first.reset_session(0)  # one's own: log_out ends it
            assert await other.reset() is True  # ActiveSession.reset: reset_session(its id)
            with pytest.raises(errors.SessionRevoked):
                await second.get_me()
            assert [s.is_current for s in (await first.get_active_sessions()).active_sessions] == [True]
        finally:
            await first.disconnect()
            await second.disconnect()


async def test_reset_sessions_ends_every_other_one() -> None:
    async with sandbox() as (tg, _, clock):
        user = tg.add_user("+15557520001", "Owner", dc=1)
        clients: list[Client] = [await logged_in(tg, user.phone, f"c{i}") for i in range(3)]
        try:
            with pytest.raises(errors.FreshResetAuthorisationForbidden):
                await clients[0].reset_sessions()
            clock.advance(DAY)
            assert await clients[0].reset_sessions() is True
            for ended in clients[1:]:
                with pytest.raises(errors.SessionRevoked):
                    await ended.get_me()
            [only] = (await clients[0].get_active_sessions()).active_sessions
            assert isinstance(only, ActiveSession) and only.is_current
        finally:
            for client in clients:
                await client.disconnect()
