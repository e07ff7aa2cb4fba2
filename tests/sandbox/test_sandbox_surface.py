"""The Sandbox's own surface: what it refuses at once, and its world shortcuts, which forward to the world."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.accounts import SERVICE_USER_ID
from tgfleet.sandbox.login_limits import LoginLimits
from tgfleet.sandbox.world import World
from tgfleet.tl import types
from tgfleet.tl.functions import auth as f_auth

from .server_double import DoubleWorld
from .server_wire import KEY, connected


def test_a_sandbox_needs_a_dc_and_one_port_per_dc() -> None:
    with pytest.raises(ValueError, match="at least one DC"):
        Sandbox(0, rsa_key=KEY)
    with pytest.raises(ValueError, match=r"one port per DC \(2\), got 1"):
        Sandbox(2, ports=[4000], rsa_key=KEY)


async def test_addresses_and_an_mtproxy_need_a_started_sandbox() -> None:
    tg = Sandbox(rsa_key=KEY, world=DoubleWorld())
    with pytest.raises(RuntimeError, match="not started"):
        tg.network  # noqa: B018 (a property that raises)
    with pytest.raises(RuntimeError, match="start the sandbox"):
        await tg.start_mtproxy(os.urandom(16).hex())
    async with tg:
        assert [a.dc_id for a in tg.dc_addresses] == [1, 2, 3]
        assert len({a.port for a in tg.dc_addresses}) == 3


@pytest.mark.parametrize(
    "shortcut",
    [
        lambda tg: tg.add_user("+15550100001"),
        lambda tg: tg.login_code("+15550100001"),
        lambda tg: tg.messages_of(1),
        lambda tg: tg.dialogs_of(1),
    ],
)
def test_world_shortcuts_on_a_custom_world_say_to_use_it(shortcut: Any) -> None:
    tg = Sandbox(rsa_key=KEY, world=DoubleWorld())
    with pytest.raises(TypeError, match=r"custom world \(DoubleWorld\); use tg\.world"):
        shortcut(tg)


async def test_world_shortcuts_act_on_the_sandboxs_world() -> None:
    async with Sandbox(rsa_key=KEY) as tg:
        assert isinstance(tg.world, World)
        alice = tg.add_user("+15550100001", "Alice", dc=2)
        bob = tg.add_user("+15550100002", "Bob", new_account=True)
        carol = tg.add_user("+15550100003", "Carol")
        assert tg.world.user(alice.id) == alice and tg.world.is_new_account(bob.id)
        assert not tg.world.is_new_account(alice.id)
        tg.world.send_message(alice.id, bob.id, "to bob")
        tg.world.send_message(alice.id, carol.id, "to carol")
        assert [m.text for m in tg.messages_of(alice.id)] == ["to bob", "to carol"]
        assert [m.text for m in tg.messages_of(alice.id, bob.id)] == ["to bob"]
        assert [d.peer_id for d in tg.dialogs_of(alice.id)] == [carol.id, bob.id]  # the most recent first
        client = await connected(tg)
        send_code = f_auth.SendCode(
            phone_number=alice.phone, api_id=tg.api_id, api_hash=tg.api_hash, settings=types.CodeSettings()
        )
        await client.invoke(send_code)
        code = tg.login_code(alice.phone)
        assert code in tg.messages_of(alice.id, SERVICE_USER_ID)[-1].text  # the code, as Telegram sends it


async def test_login_limits_given_to_the_sandbox_are_its_worlds() -> None:
    limits = LoginLimits(codes_per_day=1)
    async with Sandbox(rsa_key=KEY, login_limits=limits) as tg:
        alice = tg.add_user("+15550100001", "Alice", dc=2)
        client = await connected(tg)
        send_code = f_auth.SendCode(
            phone_number=alice.phone, api_id=tg.api_id, api_hash=tg.api_hash, settings=types.CodeSettings()
        )
        await client.invoke(send_code)
        refused = await client.rpc_error(send_code)  # the default allows 5 a day
        assert (refused.code, refused.ID) == (400, "PHONE_NUMBER_FLOOD")
        assert isinstance(tg.world, World) and tg.world.login_limits == limits


def test_login_limits_with_a_custom_world_are_refused_at_once() -> None:
    with pytest.raises(ValueError, match="a custom world sets its own"):
        Sandbox(rsa_key=KEY, world=DoubleWorld(), login_limits=LoginLimits())
    with pytest.raises(TypeError, match="must be a LoginLimits"):
        Sandbox(rsa_key=KEY, login_limits={"codes_per_day": 1})  # type: ignore[arg-type]
