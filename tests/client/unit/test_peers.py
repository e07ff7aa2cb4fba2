"""Peers on their own: which peers an answer carries (``peers.py``), the cache that writes them
(``PeerCache``: new and changed ones at once, unchanged ones again after ``PEER_REFRESH``, which keeps a
username trusted), and ``resolve_peer`` (what needs a lookup, what does not, what fails how)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from tgfleet.client.peer_cache import PEER_REFRESH, PeerCache
from tgfleet.client.peers import CHANNEL_OFFSET, input_peer, peer_records
from tgfleet.client.resolver import resolve_peer
from tgfleet.errors import PeerNotFound, rpc_error
from tgfleet.storage import USERNAME_TTL, MemoryStorage, PeerRecord, PeerType
from tgfleet.tl import types

from .fakes import FakeInvoke, Script

SELF = 1000
BOB = types.User(id=2000, access_hash=22, username="bob_peers", phone="15550001111", first_name="Bob")


class CountingStorage(MemoryStorage):
    """A memory storage that counts the peers written to it."""

    def __init__(self, now: list[float]) -> None:
        super().__init__(clock=lambda: now[0])
        self.written: list[int] = []

    def put_peers(self, peers: Iterable[PeerRecord]) -> None:
        peers = list(peers)
        self.written += [p.id for p in peers]
        super().put_peers(peers)


def opened(now: list[float]) -> CountingStorage:
    storage = CountingStorage(now)
    storage.open()
    storage.set_user(SELF, False)
    return storage


def test_the_peers_an_answer_carries() -> None:
    channel = types.Channel(id=5, access_hash=55, title="c", photo=types.ChatPhotoEmpty(), date=1, megagroup=True)
    chat = types.Chat(id=6, title="g", photo=types.ChatPhotoEmpty(), participants_count=2, date=1, version=1)
    records = peer_records(types.Updates(updates=[], users=[BOB], chats=[channel, chat], date=1, seq=0))
    assert [(r.id, r.type) for r in records] == [
        (BOB.id, PeerType.USER), (-CHANNEL_OFFSET - 5, PeerType.SUPERGROUP), (-6, PeerType.GROUP),
    ]  # fmt: skip
    assert [r.id for r in peer_records([BOB])] == [BOB.id]  # users.getUsers answers a list
    assert input_peer(records[1], SELF) == types.InputPeerChannel(channel_id=5, access_hash=55)
    assert input_peer(records[2], SELF) == types.InputPeerChat(chat_id=6)
    assert input_peer(PeerRecord(SELF, PeerType.USER, 1), SELF) == types.InputPeerSelf()
    assert input_peer(PeerRecord(7, PeerType.USER, None), SELF) is None  # no access hash: not addressable


def test_a_peer_seen_again_is_written_only_when_changed_or_stale() -> None:
    now = [1_000_000.0]
    storage = opened(now)
    cache = PeerCache(storage, clock=lambda: now[0])
    cache.remember([BOB])
    cache.remember([BOB])  # unchanged, just seen: no write
    assert storage.written == [BOB.id]
    renamed = types.User(id=BOB.id, access_hash=22, username="bob_renamed", first_name="Bob")
    cache.remember([renamed])  # changed: written at once
    assert storage.written == [BOB.id, BOB.id]
    now[0] += PEER_REFRESH + 1
    cache.remember([renamed])  # unchanged but stale: written again
    assert storage.written == [BOB.id] * 3


def test_refreshing_a_peer_keeps_its_username_trusted() -> None:
    assert PEER_REFRESH < USERNAME_TTL
    now = [1_000_000.0]
    storage = opened(now)
    cache = PeerCache(storage, clock=lambda: now[0])
    start = now[0]
    cache.remember([BOB])
    while now[0] < start + USERNAME_TTL + PEER_REFRESH:  # the account keeps seeing Bob, every half refresh
        now[0] += PEER_REFRESH / 2
        cache.remember([BOB])
    record = storage.peer_by_username("bob_peers")
    assert record is not None and record.access_hash == 22


class Resolve:
    """``await resolve(chat_id)``: resolve_peer over a counting storage and a scripted call path."""

    def __init__(self, script: Script) -> None:
        self.storage = opened([1_000_000.0])
        self.invoke = FakeInvoke(script)

    async def resolve(self, chat_id: object) -> object:
        return await resolve_peer(self.storage, self.invoke, chat_id)  # type: ignore[arg-type]


def resolver(script: Script) -> tuple[Resolve, FakeInvoke, CountingStorage]:
    r = Resolve(script)
    return r, r.invoke, r.storage


def resolved(user: types.User) -> types.contacts.ResolvedPeer:
    return types.contacts.ResolvedPeer(peer=types.PeerUser(user_id=user.id), chats=[], users=[user])


async def test_what_resolves_without_a_lookup() -> None:
    resolve, invoke, storage = resolver(Script())
    storage.put_peers([PeerRecord(BOB.id, PeerType.USER, 22, "bob_peers", "15550001111")])
    bob = types.InputPeerUser(user_id=BOB.id, access_hash=22)
    for chat_id in ("me", " SELF ", SELF, str(SELF)):
        assert await resolve.resolve(chat_id) == types.InputPeerSelf(), chat_id
    for chat_id in (BOB.id, str(BOB.id), "@bob_peers", "bob_peers", "+15550001111"):
        assert await resolve.resolve(chat_id) == bob, chat_id
    assert invoke.calls.names == []


async def test_an_uncached_username_or_phone_is_looked_up() -> None:
    script = Script().then("contacts.resolveUsername", resolved(BOB)).then("contacts.resolvePhone", resolved(BOB))
    resolve, invoke, _ = resolver(script)
    bob = types.InputPeerUser(user_id=BOB.id, access_hash=22)
    assert await resolve.resolve("@bob_peers") == bob
    assert await resolve.resolve("+1 555 000 1111") == bob
    assert invoke.calls.names == ["contacts.resolveUsername", "contacts.resolvePhone"]
    assert invoke.calls.queries[0].username == "bob_peers"


@pytest.mark.parametrize(
    ("chat_id", "script", "says"),
    [
        (4242, Script(), "not in the session's peer cache"),
        ("@nobody_here", Script().then("contacts.resolveUsername", rpc_error(400, "USERNAME_NOT_OCCUPIED")),
         "USERNAME_NOT_OCCUPIED"),
        ("+15559999999", Script().then("contacts.resolvePhone", rpc_error(400, "PHONE_NOT_OCCUPIED")),
         "PHONE_NOT_OCCUPIED"),
        ("not a peer!", Script(), "neither an id, a username"),
    ],
)  # fmt: skip
async def test_what_cannot_be_resolved_says_why(chat_id: int | str, script: Script, says: str) -> None:
    resolve, _, _ = resolver(script)
    with pytest.raises(PeerNotFound, match=says):
        await resolve.resolve(chat_id)


async def test_a_known_id_without_access_hash_is_not_addressable() -> None:
    resolve, _, storage = resolver(Script())
    storage.put_peers([PeerRecord(4243, PeerType.USER, None)])
    with pytest.raises(PeerNotFound, match="no access hash"):
        await resolve.resolve(4243)


@pytest.mark.parametrize("chat_id", [True, 1.5, None, b"me"])
async def test_only_ints_and_strs_are_chat_ids(chat_id: object) -> None:
    resolve, _, _ = resolver(Script())
    with pytest.raises(TypeError, match="chat_id must be an int or a str"):
        await resolve.resolve(chat_id)  # type: ignore[arg-type]
