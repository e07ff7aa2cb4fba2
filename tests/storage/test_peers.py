"""Peers: lookups by id / username / phone, username expiry, upsert and min-record semantics."""

from __future__ import annotations

import pytest

from tgfleet.storage import USERNAME_TTL, PeerRecord, PeerType, StorageValueError

from .helpers import Harness, user


def test_lookup_by_username_ignores_case_and_at(harness: Harness) -> None:
    harness.storage.put_peers([user(10, access_hash=5, username="Alice_Bot")])
    s = harness.reopen()
    for name in ("Alice_Bot", "alice_bot", "@ALICE_BOT", " @alice_bot "):
        peer = s.peer_by_username(name)
        assert peer is not None and peer.id == 10 and peer.username == "Alice_Bot"
    assert s.peer_by_username("alice") is None


def test_username_expiry_follows_the_clock(harness: Harness) -> None:
    s, clock = harness.storage, harness.clock
    s.put_peers([user(10, access_hash=5, username="alice")])
    clock.now += USERNAME_TTL
    assert s.peer_by_username("alice") is not None
    clock.now += 1
    assert s.peer_by_username("alice") is None
    assert s.peer_by_username("alice", ignore_expiry=True) is not None
    assert s.peer_by_id(10) is not None  # the peer itself never expires
    s.put_peers([user(10, access_hash=5, username="alice")])  # seen again: trusted again
    assert s.peer_by_username("alice") is not None


def test_username_ttl_is_configurable(harness: Harness) -> None:
    s = harness.storage
    s.username_ttl = 10
    s.put_peers([user(10, username="alice")])
    harness.clock.now += 11
    assert s.peer_by_username("alice") is None


def test_a_min_record_without_username_does_not_refresh_the_username(harness: Harness) -> None:
    s, clock = harness.storage, harness.clock
    s.put_peers([user(10, access_hash=5, username="alice")])
    clock.now += USERNAME_TTL + 1
    s.put_peers([user(10, is_min=True)])
    peer = s.peer_by_username("alice", ignore_expiry=True)
    assert peer is not None and peer.updated_at == clock.now and peer.resolved_at == clock.now - USERNAME_TTL - 1
    assert s.peer_by_username("alice") is None


def test_lookup_by_phone_ignores_formatting(harness: Harness) -> None:
    harness.storage.put_peers([user(10, access_hash=5, phone="+1 (555) 010-0001")])
    s = harness.reopen()
    for phone in ("15550100001", "+15550100001", "+1 555 010 0001"):
        peer = s.peer_by_phone(phone)
        assert peer is not None and peer.id == 10 and peer.phone == "15550100001"
    assert s.peer_by_phone("+") is None and s.peer_by_phone("15550100002") is None


def test_a_later_full_record_replaces(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([user(10, access_hash=1, username="old", phone="100")])
    harness.clock.now += 5
    s.put_peers([user(10, access_hash=2, username="new")])
    s = harness.reopen()
    peer = s.peer_by_id(10)
    assert peer == PeerRecord(
        10, PeerType.USER, 2, "new", None, updated_at=harness.clock.now, resolved_at=harness.clock.now
    )
    assert s.peer_by_username("old") is None and s.peer_by_phone("100") is None


def test_a_record_without_access_hash_keeps_the_known_hash(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([user(10, access_hash=1, username="alice", phone="100")])
    s.put_peers([user(10, username="alice", phone="100")])
    peer = harness.reopen().peer_by_id(10)
    assert peer is not None and peer.access_hash == 1


def test_a_min_record_never_overwrites_what_is_known(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([user(10, access_hash=1, username="alice", phone="100")])
    s.put_peers([user(10, access_hash=999, is_min=True)])  # a min hash is not ours to use
    peer = harness.reopen().peer_by_id(10)
    assert peer is not None and (peer.access_hash, peer.username, peer.phone, peer.is_min) == (1, "alice", "100", False)


def test_a_min_record_fills_an_unknown_peer_and_a_full_one_upgrades_it(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([user(10, access_hash=7, username="bob", is_min=True)])
    peer = s.peer_by_id(10)
    assert peer is not None and (peer.access_hash, peer.username, peer.is_min) == (7, "bob", True)
    s.put_peers([user(10, access_hash=8, username="bob")])
    peer = harness.reopen().peer_by_id(10)
    assert peer is not None and (peer.access_hash, peer.is_min) == (8, False)


def test_a_username_and_a_phone_belong_to_one_peer(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([user(10, access_hash=1, username="alice", phone="100")])
    s.put_peers([user(11, access_hash=2, username="ALICE", phone="+100")])  # both moved to peer 11
    s = harness.reopen()
    first, by_name, by_phone = s.peer_by_id(10), s.peer_by_username("alice"), s.peer_by_phone("100")
    assert first is not None and first.username is None and first.phone is None and first.resolved_at is None
    assert by_name is not None and by_name.id == 11 and by_phone is not None and by_phone.id == 11


def test_many_peers_in_one_write(harness: Harness) -> None:
    s = harness.storage
    kinds = [PeerType.USER, PeerType.BOT, PeerType.GROUP, PeerType.CHANNEL, PeerType.SUPERGROUP]
    s.put_peers(
        PeerRecord(-1000000000000 - i, kinds[i % 5], None if i % 5 == 2 else i, f"name{i}") for i in range(1, 301)
    )
    s = harness.reopen()
    for i in (1, 150, 300):
        peer = s.peer_by_username(f"NAME{i}")
        assert peer is not None and peer.id == -1000000000000 - i and peer.type is kinds[i % 5]


def test_a_type_may_be_given_as_its_name_and_a_bad_one_is_refused(harness: Harness) -> None:
    s = harness.storage
    s.put_peers([PeerRecord(-5, "group", None, "team")])  # type: ignore[arg-type]
    peer = s.peer_by_username("team")
    assert peer is not None and peer.type is PeerType.GROUP
    with pytest.raises(StorageValueError, match="type must be a PeerType"):
        s.put_peers([PeerRecord(6, "robot")])  # type: ignore[arg-type]
