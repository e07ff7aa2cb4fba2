"""DC migration: PHONE_MIGRATE during login, USER_MIGRATE for a moved account, FILE_MIGRATE for one call."""

from __future__ import annotations

from pathlib import Path

from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions, types

from .helpers import logged_in, login, make_client


async def test_login_through_dc2_ends_on_dc3() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500001", first_name="Ivy", dc=3)
        client = make_client(tg)
        await client.connect()
        assert client.dcs.home_dc == 2
        await login(client, tg, user.phone)  # send_code is answered with PHONE_MIGRATE_3 on DC 2
        assert client.dcs.home_dc == 3 and client.storage is not None and client.storage.get_dc_id() == 3
        assert client.last_state_change.dc_id == 3
        assert (await client.get_me()).id == user.id
        await client.disconnect()


async def test_user_migrate_moves_the_home_dc_and_keeps_the_login() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500002", first_name="Jo", dc=2)
        client = await logged_in(tg, user.phone)
        tg.world.move_user(user.id, 3)  # the account now lives on DC 3: DC 2 answers USER_MIGRATE_3
        assert (await client.get_me()).id == user.id
        assert client.dcs.home_dc == 3
        await client.disconnect()


async def test_forced_user_migrate_during_login() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500003", first_name="Kai", dc=3)
        tg.force_migrate(functions.auth.SendCode, 3, kind="NETWORK")
        client = make_client(tg)
        await client.connect()
        await login(client, tg, user.phone)
        assert client.dcs.home_dc == 3
        await client.disconnect()


async def test_file_migrate_runs_one_call_on_another_dc() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500004", first_name="Lu", dc=2)
        client = await logged_in(tg, user.phone)
        tg.force_migrate(functions.users.GetFullUser, 3, kind="FILE")
        keys = len(tg.auth_key_ids(3))
        full = await client.invoke(functions.users.GetFullUser(id=types.InputUserSelf()))
        assert full.full_user.id == user.id  # answered by DC 3, which knows the login through the import only
        assert client.dcs.home_dc == 2  # the home DC stays
        assert len(tg.auth_key_ids(3)) == keys + 1  # the client made a key on DC 3 for the call
        [me] = await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), dc_id=3)
        assert me.id == user.id and len(tg.auth_key_ids(3)) == keys + 1  # the same sender and login again
        await client.disconnect()


async def test_reconnecting_after_user_migrate_stays_on_the_new_dc() -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500005", first_name="Mo", dc=2)
        client = await logged_in(tg, user.phone)  # an in-memory session: it lives as long as the Client
        tg.world.move_user(user.id, 3)
        assert (await client.get_me()).id == user.id
        await client.disconnect()
        assert await client.connect() is True  # still logged in, on DC 3 with the key imported there
        assert client.dcs.home_dc == 3 and client.storage is not None and client.storage.get_dc_id() == 3
        assert (await client.get_me()).id == user.id
        await client.disconnect()


async def test_a_reopened_session_file_after_user_migrate_works_on_the_new_dc(tmp_path: Path) -> None:
    async with Sandbox(dcs=3) as tg:
        user = tg.add_user(phone="+15550500006", first_name="Ned", dc=2)
        client = await logged_in(tg, user.phone, name="moved", in_memory=False, workdir=tmp_path)
        tg.world.move_user(user.id, 3)
        assert (await client.get_me()).id == user.id
        await client.disconnect()
        again = make_client(tg, "moved", in_memory=False, workdir=tmp_path)
        assert await again.connect() is True
        assert again.dcs.home_dc == 3
        assert (await again.get_me()).id == user.id
        await again.disconnect()
