"""AUTH_KEY_DUPLICATED with tgfleet's own Client: two clients running one session at once both get it and the key is
logged out; one client that reconnects, migrates, calls another DC, disconnects and connects again, or hands its
session to a client that starts after it stopped, never trips it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgfleet import errors
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions, types

from ..client.helpers import logged_in, make_client


async def test_two_clients_on_one_session_at_once_both_get_auth_key_duplicated() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user("+15557100001", "Twice", dc=2)
        first = await logged_in(tg, user.phone)
        text = await first.export_session_string()
        second = make_client(tg, "copy", session_string=text)
        try:
            await second.connect()
            assert (await second.get_me()).id == user.id  # the newer connection: nothing wrong yet
            with pytest.raises(errors.AuthKeyDuplicated):
                await first.get_me()  # the older connection, still open, used again
            with pytest.raises(errors.AuthKeyDuplicated):
                await second.get_me()
            assert tg.stats()["auth_key_duplicated"] == 2
            assert tg.world.authorizations_of(user.id) == []  # the authorization was invalidated
        finally:
            await first.disconnect()
            await second.disconnect()
        third = make_client(tg, "later", session_string=text)
        try:
            with pytest.raises(errors.AuthKeyUnregistered):
                await third.connect()
                await third.get_me()
        finally:
            await third.disconnect()


async def test_one_client_that_reconnects_restarts_and_hands_its_session_on_never_trips_it(tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user("+15557100002", "Solo", dc=2)
        client = await logged_in(tg, user.phone, "solo", in_memory=False, workdir=tmp_path)
        try:
            for _ in range(3):
                assert tg.drop_connections() >= 1
                await client.get_me()  # on a new connection each time
            await client.disconnect()
            await client.connect()  # the session file reopened at once: the old connection just closed
            await client.get_me()
            text = await client.export_session_string()
        finally:
            await client.disconnect()
        successor = make_client(tg, "next", session_string=text)  # the session moves on once the first stopped
        try:
            await successor.connect()
            assert (await successor.get_me()).id == user.id
        finally:
            await successor.disconnect()
        assert tg.stats()["auth_key_duplicated"] == 0


async def test_one_client_on_several_dcs_never_trips_it() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user("+15557100003", "Roamer", dc=2)
        client = await logged_in(tg, user.phone)
        try:
            tg.world.move_user(user.id, 3)  # USER_MIGRATE_3: a sender on DC 3 with a key of its own
            assert (await client.get_me()).id == user.id
            tg.force_migrate(functions.users.GetFullUser, 2, kind="FILE")  # one call on DC 2 again, beside it
            await client.invoke(functions.users.GetFullUser(id=types.InputUserSelf()))
            assert tg.drop_connections() >= 2
            await client.get_me()
            await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), dc_id=2)
        finally:
            await client.disconnect()
        assert tg.stats()["auth_key_duplicated"] == 0
