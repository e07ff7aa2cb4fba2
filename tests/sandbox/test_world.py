"""The world's control API and bookkeeping: accounts, phones, usernames, hashes, codes, authorizations."""

from __future__ import annotations

import pytest

from tgfleet.crypto.dh import DH_G, DH_PRIME
from tgfleet.crypto.srp import compute_verifier
from tgfleet.sandbox.accounts import SERVICE_USER_ID, normalize_phone, phone_home_dc, valid_username
from tgfleet.sandbox.codes import NoLoginCode
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.views import user_tl
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.functions import users as f_users

from .world_helpers import make_env


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("+15550100001", "15550100001"),
        ("15550100001", "15550100001"),
        ("+1 (555) 010-0001", "15550100001"),
        ("42777", "42777"),
        ("", None),
        ("+", None),
        ("1234", None),
        ("1234567890123456", None),
        ("+1555abc0001", None),
        ("١٢٣٤٥٦٧", None),
    ],
)
def test_phone_normalization(raw: str, normalized: str | None) -> None:
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("alice", True),
        ("Alice_2024", True),
        ("a" * 32, True),
        ("abcd", False),
        ("a" * 33, False),
        ("1alice", False),
        ("_alice", False),
        ("alice_", False),
        ("ali ce", False),
        ("@alice", False),
    ],
)
def test_username_rules(name: str, ok: bool) -> None:
    assert valid_username(name) is ok


def test_add_user_ids_dcs_and_uniqueness() -> None:
    env = make_env()
    world = env.world
    alice = world.add_user("+1 555 010 0001", "Alice", username="alice", dc=2)
    bob = world.add_user("15550100002", "Bob")
    assert alice.phone == "15550100001" and alice.dc == 2
    assert bob.dc == phone_home_dc("15550100002", 3) == world.home_dc(bob.id)
    for user in (alice, bob):
        assert 1_000_000_000 <= user.id < 2**53
    with pytest.raises(ValueError, match="already registered"):
        world.add_user("+15550100001")
    with pytest.raises(ValueError, match="taken"):
        world.add_user("15550100003", username="ALICE")
    with pytest.raises(ValueError, match="invalid username"):
        world.add_user("15550100004", username="bad")
    with pytest.raises(ValueError, match="DC 4"):
        world.add_user("15550100005", dc=4)
    with pytest.raises(ValueError, match="malformed"):
        world.add_user("not a phone")
    assert world.user(alice.id) == alice
    assert world.user_by_phone("+15550100002") == bob


def test_home_dc_of_a_phone_is_stable_and_spread() -> None:
    dcs = {phone_home_dc(f"1555010{n:04d}", 3) for n in range(50)}
    assert dcs == {1, 2, 3}
    assert phone_home_dc("15550100001", 3) == phone_home_dc("15550100001", 3)


def test_service_account_exists() -> None:
    world = make_env().world
    telegram = world.user(SERVICE_USER_ID)
    assert telegram.first_name == "Telegram"
    view = user_tl(world.accounts, world.accounts[SERVICE_USER_ID], 1, 0)
    assert view.verified and view.id == 777000


def test_access_hashes_are_per_viewer() -> None:
    world = make_env().world
    alice, bob, carol = (world.add_user(f"1555010000{i}") for i in (1, 2, 3))
    assert bob.access_hash(alice.id) != bob.access_hash(carol.id)
    assert bob.access_hash(alice.id) == bob.access_hash(alice.id)
    seen_by_alice = user_tl(world.accounts, world.accounts[bob.id], alice.id, 0)
    assert seen_by_alice.access_hash == bob.access_hash(alice.id)
    assert seen_by_alice.phone is None and not seen_by_alice.is_self
    himself = user_tl(world.accounts, world.accounts[bob.id], bob.id, 0)
    assert himself.is_self and himself.phone == bob.phone


def test_password_is_kept_as_a_verifier_only() -> None:
    world = make_env().world
    alice = world.add_user("15550100001", password="secret", hint="the usual")
    record = world.accounts[alice.id].password
    assert record is not None and record.hint == "the usual"
    assert len(record.salt1) == 40 and len(record.salt2) == 16
    assert record.verifier == compute_verifier("secret", record.salt1, record.salt2, DH_G, DH_PRIME)
    assert "secret" not in repr(record)


async def test_login_code_control() -> None:
    env = make_env(code_lifetime=60)
    world = env.world
    with pytest.raises(NoLoginCode, match="sendCode"):
        world.login_code("+15550100001")
    caller = env.caller(dc=world.accounts.home_dc_of("15550100001"))
    await caller(caller.send_code("+15550100001"))
    code = world.login_code("15550100001")
    assert len(code) == 5 and code.isdigit()
    env.clock.advance(61)
    with pytest.raises(NoLoginCode):
        world.login_code("15550100001")


def test_new_account_period() -> None:
    env = make_env(new_account_period=3600)
    world = env.world
    old = world.add_user("15550100001")
    fresh = world.add_user("15550100002", new_account=True)
    assert not world.is_new_account(old.id)
    assert world.is_new_account(fresh.id)
    env.clock.advance(3601)
    assert not world.is_new_account(fresh.id)
    assert not world.is_new_account(12345)


async def test_authorizations_user_of_and_revocation() -> None:
    env = make_env()
    world: WorldAPI = env.world
    alice = env.world.add_user("15550100001", dc=1)
    one, two = env.caller(1), env.caller(1)
    await one.login(alice.phone)
    await two.login(alice.phone)
    assert world.user_of(one.auth_key_id) == alice.id
    assert [a.auth_key_id for a in env.world.authorizations_of(alice.id)] == [one.auth_key_id, two.auth_key_id]
    assert all(a.dc == 1 and not a.imported for a in env.world.authorizations_of(alice.id))
    world.revoke(one.auth_key_id)
    assert world.user_of(one.auth_key_id) is None
    await one.fails(f_users.GetUsers(id=[]), "AUTH_KEY_UNREGISTERED", 401)
    assert env.world.revoke_user(alice.id) == 1
    assert world.user_of(two.auth_key_id) is None
    assert world.user_of(999) is None


async def test_unimplemented_method_has_no_handler() -> None:
    world = make_env().world
    assert world.handler(f_auth.RequestPasswordRecovery) is None
    assert world.handler(f_auth.SendCode) is not None


def test_messages_and_dialogs_of_use_per_user_mailboxes() -> None:
    env = make_env()
    world = env.world
    alice, bob = world.add_user("15550100001"), world.add_user("15550100002")
    world.send_message(alice.id, alice.id, "note to self")
    first = world.send_message(alice.id, bob.id, "hi bob")
    world.send_message(bob.id, alice.id, "hi alice")
    assert [(m.id, m.out, m.text) for m in world.messages_of(alice.id)] == [
        (1, True, "note to self"),
        (2, True, "hi bob"),
        (3, False, "hi alice"),
    ]
    assert first.pts == 3 and world.accounts[alice.id].mailbox.pts == 4
    assert [(m.id, m.out) for m in world.messages_of(bob.id)] == [(1, False), (2, True)]
    assert [(d.peer_id, d.top_message, d.unread_count) for d in world.dialogs_of(alice.id)] == [
        (bob.id, 3, 1),
        (alice.id, 1, 0),
    ]
    assert [m.text for m in world.messages_of(alice.id, bob.id)] == ["hi bob", "hi alice"]
