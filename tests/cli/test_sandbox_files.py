"""The standalone sandbox's files: users (JSON, TOML, --user flags) and the --state snapshot of the world."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
import pytest

from tgfleet import Client
from tgfleet.cli.users_file import UserSpec, load_users_file, parse_user_flag
from tgfleet.cli.world_state import load, save
from tgfleet.errors import SessionPasswordNeeded
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.world import World


def world(tg: Sandbox) -> World:
    assert isinstance(tg.world, World)
    return tg.world


def test_user_flags() -> None:
    assert parse_user_flag("+15550900001") == UserSpec("+15550900001")
    assert parse_user_flag("+15550900001:Ann:@ann_f:p:w") == UserSpec("+15550900001", "Ann", "", "ann_f", "p:w")
    assert parse_user_flag("15550900001::") == UserSpec("15550900001")
    with pytest.raises(click.BadParameter, match="phone number is missing"):
        parse_user_flag(":Ann")


def test_users_json(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text('{"users": [{"phone": "+15550900001", "first_name": "Ann", "password": "x", "dc": 3}]}')
    assert load_users_file(path) == [UserSpec("+15550900001", "Ann", password="x", dc=3)]
    path.write_text('[{"phone": 15550900002}]')
    assert load_users_file(path) == [UserSpec("15550900002")]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML needs tomllib (Python 3.11+)")
def test_users_toml(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[[users]]\nphone = "+15550900001"\nusername = "ann_t"\n\n[[users]]\nphone = "+15550900002"\n')
    assert load_users_file(path) == [UserSpec("+15550900001", username="ann_t"), UserSpec("+15550900002")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"first_name": "Ann"}]', "'phone' is required"),
        ('[{"phone": "1", "nick": "a"}]', "unknown keys ['nick']"),
        ('[{"phone": "1", "dc": "two"}]', "'dc' must be a number"),
        ('{"people": []}', "expected a list of users"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_users_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "users.json"
    path.write_text(text)
    with pytest.raises(click.UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_users_file(path)


async def test_state_keeps_accounts_passwords_and_messages(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    async with Sandbox(dcs=2) as first:
        ann = first.add_user("+15550900001", "Ann", username="ann_s", password="secret", dc=2)
        ben = first.add_user("+15550900002", "Ben", dc=1)
        world(first).send_message(ann.id, ben.id, "kept across restarts")
        ann_client = Client("a", api_id=first.api_id, api_hash=first.api_hash, network=first.network, in_memory=True)
        await ann_client.connect()
        sent = await ann_client.send_code(ben.phone)
        await ann_client.sign_in(ben.phone, sent.phone_code_hash, first.login_code(ben.phone))
        string = await ann_client.export_session_string()
        await ann_client.disconnect()
        save(first, path)
        before = first.messages_of(ben.id)
    async with Sandbox(dcs=2) as second:
        assert load(second, path) == 2
        restored = Client("r", api_id=second.api_id, network=second.network, session_string=string)
        assert await restored.connect()  # the key and the login survived the restart (new ports, same key)
        assert (await restored.get_me()).id == ben.id
        await restored.disconnect()
        assert world(second).user(ann.id).username == "ann_s"
        assert world(second).user(ann.id).access_hash(ben.id) == ann.access_hash(ben.id)  # peers cached stay valid
        assert second.messages_of(ben.id) == before
        client = Client("s", api_id=second.api_id, api_hash=second.api_hash, network=second.network, in_memory=True)
        await client.connect()
        try:
            sent = await client.send_code(ann.phone)
            with pytest.raises(SessionPasswordNeeded):
                await client.sign_in(ann.phone, sent.phone_code_hash, second.login_code(ann.phone))
            assert (await client.check_password("secret")).id == ann.id  # the verifier survived
        finally:
            await client.disconnect()


async def test_state_from_a_bigger_sandbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    async with Sandbox(dcs=3) as big:
        big.add_user("+15550900003", "Cy", dc=3)
        save(big, path)
    async with Sandbox(dcs=2) as small:
        with pytest.raises(click.UsageError, match="lives on DC 3, this sandbox has 2 DCs"):
            load(small, path)


def test_restart_with_state_restores_accounts_and_skips_known_users(tmp_path: Path) -> None:
    from tgfleet.cli.output import Out
    from tgfleet.cli.sandbox_cmd import Options, build

    users = [parse_user_flag("+15550900005:Eve:eve_state:pw"), parse_user_flag("+15550900006:Fay")]
    options = Options(2, "127.0.0.1", None, users, tmp_path / "key.pem", None, None, tmp_path / "state.json", None)
    out = Out(stream=io.StringIO())
    first_tg, first, note = build(options, out)
    eve = first.user_by_phone("+15550900005")
    fay = first.user_by_phone("+15550900006")
    assert eve is not None and fay is not None and note is not None and "0 accounts restored" in note
    first.send_message(eve.id, fay.id, "still there")
    save(first_tg, tmp_path / "state.json")
    _, second, note = build(options, out)
    assert note is not None and "2 accounts restored" in note
    assert second.user(eve.id).username == "eve_state"
    assert [m.text for m in second.messages_of(fay.id)] == ["still there"]
    assert len([a for a in second.accounts.all() if not a.service]) == 2  # --user did not add them twice
