"""DCs: exporting/importing an authorization, USER_MIGRATE_X, keys bound to their DC, AUTH_KEY_UNREGISTERED."""

from __future__ import annotations

import pytest

from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.functions import contacts as f_contacts
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.functions import users as f_users
from tgfleet.tl.types import auth as t_auth

from .world_helpers import make_env

PHONE = "15550100001"


async def test_export_and_import_authorization() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=2)
    home, media = env.caller(2), env.caller(3)
    await home.fails(f_auth.ExportAuthorization(dc_id=3), "AUTH_KEY_UNREGISTERED", 401)
    await home.login(alice.phone)
    await home.fails(f_auth.ExportAuthorization(dc_id=0), "DC_ID_INVALID", 400)
    await home.fails(f_auth.ExportAuthorization(dc_id=4), "DC_ID_INVALID", 400)
    exported = await home(f_auth.ExportAuthorization(dc_id=3))
    assert isinstance(exported, t_auth.ExportedAuthorization) and exported.id == alice.id
    await media.fails(f_auth.ImportAuthorization(id=alice.id, bytes=b"x" * 64), "AUTH_BYTES_INVALID", 400)
    await media.fails(f_auth.ImportAuthorization(id=alice.id + 1, bytes=exported.bytes), "AUTH_BYTES_INVALID")
    await env.caller(1).fails(f_auth.ImportAuthorization(id=alice.id, bytes=exported.bytes), "AUTH_BYTES_INVALID")
    result = await media(f_auth.ImportAuthorization(id=alice.id, bytes=exported.bytes))
    assert isinstance(result, t_auth.Authorization) and result.user.id == alice.id
    assert env.world.user_of(media.auth_key_id) == alice.id
    imported = [a for a in env.world.authorizations_of(alice.id) if a.auth_key_id == media.auth_key_id]
    assert imported[0].imported and imported[0].dc == 3
    me = await media(f_users.GetUsers(id=[types.InputUserSelf()]))  # imported: no USER_MIGRATE
    assert [u.id for u in me] == [alice.id]
    again = env.caller(3)
    await again(f_auth.ImportAuthorization(id=alice.id, bytes=exported.bytes))  # repeatable after a reconnect


async def test_user_migrate_after_the_account_moves() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=1)
    old = env.caller(1)
    await old.login(alice.phone)
    env.world.move_user(alice.id, 3)
    error = await old.fails(f_updates.GetState(), "USER_MIGRATE_3", 303)
    assert error.value == 3
    await old.fails(f_users.GetUsers(id=[types.InputUserSelf()]), "USER_MIGRATE_3")
    exported = await old(f_auth.ExportAuthorization(dc_id=3))  # exempt: the way to carry the login over
    new = env.caller(3)
    await new(f_auth.ImportAuthorization(id=alice.id, bytes=exported.bytes))
    assert (await new(f_updates.GetState())).pts >= 1
    other = env.caller(1)
    await other.fails(other.send_code(alice.phone), "PHONE_MIGRATE_3", 303)
    with pytest.raises(ValueError):
        env.world.move_user(alice.id, 9)


async def test_a_key_is_logged_in_only_on_its_own_dc() -> None:
    env = make_env()
    alice = env.world.add_user(PHONE, dc=2)
    caller = env.caller(2)
    await caller.login(alice.phone)
    caller.dc = 1
    await caller.fails(f_updates.GetState(), "AUTH_KEY_UNREGISTERED", 401)


@pytest.mark.parametrize(
    "request_",
    [
        f_updates.GetState(),
        f_updates.GetDifference(pts=1, date=0, qts=0),
        f_users.GetUsers(id=[types.InputUserSelf()]),
        f_users.GetFullUser(id=types.InputUserSelf()),
        f_contacts.ResolveUsername(username="alice"),
        f_messages.SendMessage(peer=types.InputPeerSelf(), message="hi", random_id=1),
        f_messages.GetHistory(
            peer=types.InputPeerSelf(), offset_id=0, offset_date=0, add_offset=0, limit=10, max_id=0, min_id=0, hash=0
        ),
        f_messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=10, hash=0),
        f_account.GetPassword(),
        f_auth.ExportAuthorization(dc_id=1),
        f_auth.LogOut(),
    ],
    ids=lambda r: type(r).__qualname__,
)
async def test_authorized_methods_without_authorization(request_: object) -> None:
    env = make_env()
    env.world.add_user(PHONE, username="alice", dc=1)
    await env.caller(1).fails(request_, "AUTH_KEY_UNREGISTERED", 401)
