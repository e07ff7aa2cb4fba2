"""``client.storage`` as Pyrogram scripts use it: there from the constructor on (closed until ``connect()``), opened
by hand with ``await app.storage.open()`` to read or write a session before ``start()``, through Pyrogram's async
accessors, ``save()`` and ``close()``; ``connect()`` opens the same object."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgfleet.sandbox.server import Sandbox
from tgfleet.storage import USERNAME_TTL, MemoryStorage, Storage, StorageValueError
from tgfleet.tl import types

from .helpers import logged_in, make_client


async def test_a_session_written_by_hand_before_start(tg: Sandbox, tmp_path: Path) -> None:
    """Pyrogram's recipe for importing a session: open the new client's storage, write the DC, key and user, save,
    close, then start() logs in from it without a code."""
    user = tg.add_user("+15557620001", "Imported")
    origin = await logged_in(tg, user.phone, "origin")
    dc_id, key = origin.storage.get_dc_id(), origin.storage.get_auth_key(origin.dcs.home_dc)
    await origin.disconnect()  # the key is used by one client at a time
    assert dc_id is not None and key is not None

    app = make_client(tg, "imported", in_memory=False, workdir=tmp_path)
    assert isinstance(app.storage, Storage) and not app.storage.is_open  # built with the client, closed
    await app.storage.open()
    await app.storage.dc_id(dc_id)
    await app.storage.api_id(tg.api_id)
    await app.storage.test_mode(False)
    await app.storage.auth_key(key)
    await app.storage.user_id(user.id)
    await app.storage.is_bot(False)
    await app.storage.save()
    await app.storage.close()

    await app.start()
    try:
        assert app.me.id == user.id and await app.storage.user_id() == user.id
    finally:
        await app.stop()
    assert not app.storage.is_open  # saved and closed: the file is free again


async def test_read_a_session_file_before_start(tg: Sandbox, tmp_path: Path) -> None:
    user = tg.add_user("+15557620002", "Reader")
    first = await logged_in(tg, user.phone, "reader", in_memory=False, workdir=tmp_path)
    await first.disconnect()

    app = make_client(tg, "reader", in_memory=False, workdir=tmp_path)
    storage = app.storage
    await storage.open()
    assert (await storage.user_id(), await storage.is_bot()) == (user.id, False)
    await storage.close()  # releases the session's lock for start()
    async with app:
        assert app.storage is storage and storage.is_open  # connect() opened the same object
        assert app.me.id == user.id
    assert not storage.is_open


async def test_peer_accessors_answer_input_peers_and_keep_the_cache(tg: Sandbox, tmp_path: Path) -> None:
    """Pyrogram's peer accessors: Input peers from the cache, KeyError as Pyrogram words it, writes in Kurigram's rows
    (the phone kept, a known username kept) and Pyrogram's (username in the row), usernames by id."""
    app = make_client(tg, "peers", in_memory=False, workdir=tmp_path)
    storage = app.storage
    await storage.open()
    try:
        await storage.update_peers([(4242, 777, "user", "15550004242"), (-1000000000077, 55, "channel", None)])
        await storage.update_usernames([(4242, [None, "Alice_4242"])])
        user = await storage.get_peer_by_username("@alice_4242")
        assert type(user) is types.InputPeerUser and (user.user_id, user.access_hash) == (4242, 777)
        assert await storage.get_peer_by_phone_number("+1 555 000 4242") == user
        channel = await storage.get_peer_by_id(-1000000000077)
        assert type(channel) is types.InputPeerChannel and (channel.channel_id, channel.access_hash) == (77, 55)
        await storage.update_peers([(4242, 778, "user", None)])  # Kurigram's row: the username stays
        assert (await storage.get_peer_by_username("alice_4242")).access_hash == 778
        await storage.update_peers([(4242, 779, "bot", "alice_bot", None)])  # Pyrogram's row: its username
        assert (await storage.get_peer_by_id(4242)).access_hash == 779
        assert (await storage.get_peer_by_username("alice_bot")).user_id == 4242
        for lookup, said in (
            (storage.get_peer_by_id(5), "ID not found: 5"),
            (storage.get_peer_by_username("alice_4242"), "Username not found: alice_4242"),
            (storage.get_peer_by_phone_number("1999"), "Phone number not found: 1999"),
        ):
            with pytest.raises(KeyError, match=said):
                await lookup
        with pytest.raises(StorageValueError, match="unknown peer type 'robot'"):
            await storage.update_peers([(9, 1, "robot", None)])
        with pytest.raises(StorageValueError, match="a peer row is"):
            await storage.update_peers([(9, 1)])
    finally:
        await storage.close()


async def test_an_expired_username_is_refused_as_pyrogram_does(tg: Sandbox) -> None:
    now = [1_000_000.0]
    storage = MemoryStorage(clock=lambda: now[0])
    storage.pyrogram_face = make_client(tg, "expiry").storage.pyrogram_face
    storage.open()
    await storage.update_peers([(4243, 1, "user", "bob_4243", None)])
    assert (await storage.get_peer_by_username("bob_4243")).user_id == 4243
    now[0] += USERNAME_TTL + 1
    with pytest.raises(KeyError, match="Username expired: bob_4243"):
        await storage.get_peer_by_username("bob_4243")


async def test_the_session_string_from_storage_is_the_clients(tg: Sandbox) -> None:
    user = tg.add_user("+15557620003", "Exporter")
    app = await logged_in(tg, user.phone, "exporter")
    try:
        assert await app.storage.export_session_string() == await app.export_session_string()
    finally:
        await app.disconnect()
    with MemoryStorage() as bare:  # a storage no Client uses: its records, but no Input peers
        await bare.update_peers([(1, 5, "user", None)])
        assert bare.peer_by_id(1) is not None
        with pytest.raises(StorageValueError, match="need a Client"):
            await bare.get_peer_by_id(1)
