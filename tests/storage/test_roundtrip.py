"""Every item round-trips through MemoryStorage and SQLiteStorage (plain and encrypted, across a reopen)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tgfleet.storage import DcOption, PeerRecord, PeerType, StorageClosedError, StorageValueError, UpdateState

from .helpers import DC_OPTIONS, Harness, key, user


def test_empty_storage_reads_defaults(harness: Harness) -> None:
    s = harness.storage
    assert (s.get_dc_id(), s.get_test_mode(), s.get_api_id(), s.get_user_id(), s.get_is_bot()) == (
        None,
        False,
        None,
        None,
        None,
    )
    assert s.get_auth_key(2) is None and s.get_auth_keys() == {}
    assert s.get_server_salt(2) is None and s.get_time_offset(2) == 0.0
    assert s.get_dc_options() == [] and s.get_dc_options_fetched_at() is None
    assert s.peer_by_id(1) is None and s.peer_by_username("x") is None and s.peer_by_phone("1") is None
    assert s.get_update_state() is None and s.get_channel_pts(5) is None and s.get_all_channel_pts() == {}


def test_every_item_round_trips(harness: Harness) -> None:
    s = harness.storage
    s.set_dc_id(2)
    s.set_test_mode(True)
    s.set_api_id(123456)
    s.set_user(777000, is_bot=True)
    s.set_auth_key(2, key(2))
    s.set_auth_key(4, key(4))
    s.set_server_salt(2, -(2**63))
    s.set_time_offset(2, -1.5)
    s.set_time_offset(4, 3.0)
    s.set_dc_options(DC_OPTIONS, fetched_at=1234.5)
    s.put_peers([user(10, access_hash=2**63 - 1, username="Alice", phone="+1 555 0100")])
    s.set_update_state(UpdateState(pts=100, qts=5, date=1_700_000_000, seq=7))
    s.set_channel_pts(1001, 42)
    s.set_channel_pts(1002, 43)

    s = harness.reopen()
    assert (s.get_dc_id(), s.get_test_mode(), s.get_api_id(), s.get_user_id(), s.get_is_bot()) == (
        2,
        True,
        123456,
        777000,
        True,
    )
    assert s.get_auth_key(2) == key(2) and s.get_auth_keys() == {2: key(2), 4: key(4)}
    assert s.get_server_salt(2) == -(2**63) and s.get_server_salt(4) is None
    assert s.get_time_offset(2) == -1.5 and s.get_time_offset(4) == 3.0
    assert s.get_dc_options() == DC_OPTIONS and s.get_dc_options_fetched_at() == 1234.5
    peer = s.peer_by_id(10)
    assert peer == PeerRecord(
        10, PeerType.USER, 2**63 - 1, "Alice", "15550100", updated_at=harness.clock.now, resolved_at=harness.clock.now
    )
    assert s.get_update_state() == UpdateState(100, 5, 1_700_000_000, 7)
    assert s.get_all_channel_pts() == {1001: 42, 1002: 43} and s.get_channel_pts(1001) == 42


def test_setters_replace_and_forget(harness: Harness) -> None:
    s = harness.storage
    s.set_auth_key(2, key(2))
    s.set_server_salt(2, 99)
    s.set_auth_key(2, key(2))  # the same key again keeps the salt
    assert s.get_server_salt(2) == 99
    s.set_auth_key(2, key(3))  # a new key forgets the old key's salt
    assert s.get_server_salt(2) is None
    s.set_time_offset(2, 1.0)
    s.set_auth_key(2, None)
    s.set_channel_pts(1001, 1)
    s.set_channel_pts(1001, None)
    s.set_dc_options(DC_OPTIONS[:1])
    s = harness.reopen()
    assert s.get_auth_key(2) is None and s.get_auth_keys() == {} and s.get_time_offset(2) == 1.0
    assert s.get_channel_pts(1001) is None
    assert s.get_dc_options() == DC_OPTIONS[:1] and s.get_dc_options_fetched_at() == harness.clock.now


def test_delete_erases_everything_and_stays_usable(harness: Harness) -> None:
    s = harness.storage
    s.set_dc_id(2)
    s.set_auth_key(2, key(2))
    s.put_peers([user(10, access_hash=1, username="alice")])
    s.set_update_state(UpdateState(1, 2, 3, 4))
    s.set_channel_pts(5, 6)
    s.set_dc_options(DC_OPTIONS)
    s.delete()
    s = harness.reopen()
    assert s.get_dc_id() is None and s.get_auth_keys() == {} and s.peer_by_id(10) is None
    assert s.get_update_state() is None and s.get_all_channel_pts() == {} and s.get_dc_options() == []
    s.set_auth_key(1, key(1))
    assert harness.reopen().get_auth_key(1) == key(1)


@pytest.mark.parametrize("bad", [b"", b"x" * 255, b"x" * 257, "x" * 256])
def test_wrong_length_auth_key_is_refused(harness: Harness, bad: bytes) -> None:
    with pytest.raises(StorageValueError, match="256 bytes"):
        harness.storage.set_auth_key(2, bad)
    assert harness.reopen().get_auth_keys() == {}


def test_bad_values_are_refused(harness: Harness) -> None:
    s = harness.storage
    with pytest.raises(StorageValueError):
        s.set_dc_id(0)
    with pytest.raises(StorageValueError):
        s.set_server_salt(2, 2**63)
    with pytest.raises(StorageValueError):
        s.put_peers([user(1, access_hash=2**64)])
    with pytest.raises(StorageValueError):
        s.set_dc_options([DcOption(2, "", 443)])
    with pytest.raises(StorageValueError):
        s.set_update_state(UpdateState(2**31, 0, 0, 0))


def test_closed_storage_refuses_use_and_close_is_idempotent(harness: Harness) -> None:
    s = harness.storage
    s.close()
    s.close()
    assert not s.is_open
    with pytest.raises(StorageClosedError):
        s.get_dc_id()
    with s:
        assert s.is_open
        s.set_dc_id(3)
        s.open()  # opening an open storage does nothing
    assert not s.is_open


_peers = st.builds(
    PeerRecord,
    id=st.integers(1, 2**40),
    type=st.sampled_from(PeerType),
    access_hash=st.none() | st.integers(-(2**63), 2**63 - 1),
    username=st.none() | st.from_regex(r"[A-Za-z][A-Za-z0-9_]{3,31}", fullmatch=True),
    phone=st.none() | st.from_regex(r"[1-9][0-9]{6,14}", fullmatch=True),
)
_dc_options = st.builds(
    DcOption,
    dc_id=st.integers(1, 10005),
    ip_address=st.sampled_from(["1.2.3.4", "::1", "2001:db8::1"]),
    port=st.integers(0, 65535),
    ipv6=st.booleans(),
    media_only=st.booleans(),
    tcpo_only=st.booleans(),
    cdn=st.booleans(),
    static=st.booleans(),
    this_port_only=st.booleans(),
    secret=st.none() | st.binary(min_size=1, max_size=32),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(peer=_peers, options=st.lists(_dc_options, max_size=5), salt=st.integers(-(2**63), 2**63 - 1))
def test_generated_records_round_trip(harness: Harness, peer: PeerRecord, options: list[DcOption], salt: int) -> None:
    s = harness.storage
    s.delete()
    s.put_peers([peer])
    s.set_dc_options(options)
    s.set_auth_key(3, key(3))
    s.set_server_salt(3, salt)
    got = s.peer_by_id(peer.id)
    assert got is not None
    assert (got.type, got.access_hash, got.username, got.phone) == (
        peer.type,
        peer.access_hash,
        peer.username,
        peer.phone,
    )
    assert s.get_dc_options() == options and s.get_server_salt(3) == salt
