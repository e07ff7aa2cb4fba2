"""Pyrogram's and Telethon's ``.session`` files, written by Kurigram and Telethon themselves, open as tgfleet
sessions: converted in place with the login and the peers, the original kept beside it (still readable by its
program); a file of another format is refused naming what it is. The last tests run a Client on such a file against
the sandbox: logged in at once, with no new key."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("telethon", minversion="1.45")
pytest.importorskip("pyrogram")

from pyrogram.storage import SQLiteStorage as KurigramStorage
from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession

from tgfleet import Client
from tgfleet.sandbox import Sandbox
from tgfleet.storage import PeerType, SQLiteStorage, StorageCorruptError, StorageError
from tgfleet.storage.foreign import file_format

from ..client.helpers import FAST, logged_in
from .helpers import key

BOB = (5_000_001, 777, "bob_foreign", "15550009999")  # id, access hash, username, phone


def kurigram_file(workdir: Path, auth_key: bytes, api_id: int = 4, user_id: int = 42, dc_id: int = 2) -> Path:
    """A session file as Kurigram writes it, with one peer (Bob)."""

    async def write() -> None:
        storage = KurigramStorage("alice", workdir)
        await storage.open()
        for name, value in (("dc_id", dc_id), ("api_id", api_id), ("test_mode", False), ("auth_key", auth_key),
                            ("user_id", user_id), ("is_bot", False)):  # fmt: skip
            await getattr(storage, name)(value)
        await storage.update_peers([(BOB[0], BOB[1], "user", BOB[3])])
        await storage.update_usernames([(BOB[0], [BOB[2]])])
        await storage.save()
        await storage.close()

    asyncio.run(write())
    return workdir / "alice.session"


def telethon_file(path: Path, auth_key: bytes, host: str = "127.0.0.1", port: int = 443, dc_id: int = 2) -> Path:
    session = SQLiteSession(str(path.with_suffix("")))
    session.set_dc(dc_id, host, port)
    session.auth_key = AuthKey(auth_key)
    session.process_entities(_telethon_bob())
    session.save()
    session.close()
    return path


def _telethon_bob() -> object:
    from telethon.tl import types as tt

    return tt.contacts.ResolvedPeer(
        peer=tt.PeerUser(BOB[0]),
        chats=[],
        users=[tt.User(id=BOB[0], access_hash=BOB[1], username=BOB[2], phone=BOB[3], first_name="Bob")],
    )


def test_a_kurigram_file_is_converted_with_its_login_and_peers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = kurigram_file(tmp_path, key(7))
    original = path.read_bytes()
    with caplog.at_level(logging.WARNING, "tgfleet.storage"), SQLiteStorage(path) as s:
        assert (s.get_dc_id(), s.get_api_id(), s.get_user_id(), s.get_is_bot()) == (2, 4, 42, False)
        assert s.get_auth_key(2) == key(7) and not s.get_test_mode()
        bob = s.peer_by_id(BOB[0])
        assert bob is not None and (bob.type, bob.access_hash, bob.phone) == (PeerType.USER, BOB[1], BOB[3])
        assert s.peer_by_username(BOB[2], ignore_expiry=True) == bob
        assert s.get_converted_from() == "pyrogram" and not s.get_login_unverified()
    kept = tmp_path / "alice.session.pyrogram"
    assert kept.read_bytes() == original and "original is kept as" in caplog.text
    assert file_format(path) == "tgfleet"
    with SQLiteStorage(path) as again:  # converted once: the second open is an ordinary one
        assert again.get_auth_key(2) == key(7)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["alice.session", "alice.session.lock", "alice.session.pyrogram"]  # no staging file left

    async def kurigram_reads_the_backup() -> bytes:
        (tmp_path / "k").mkdir()
        os.replace(kept, tmp_path / "k" / "alice.session")
        storage = KurigramStorage("alice", tmp_path / "k")
        await storage.open()
        value: bytes = await storage.auth_key()
        await storage.close()
        return value

    assert asyncio.run(kurigram_reads_the_backup()) == key(7)


def test_a_telethon_file_is_converted_and_its_user_is_asked_for(tmp_path: Path) -> None:
    path = telethon_file(tmp_path / "tele.session", key(9))
    with SQLiteStorage(path) as s:
        assert (s.get_dc_id(), s.get_auth_key(2), s.get_user_id()) == (2, key(9), None)
        assert s.get_login_unverified()  # a client asks the server who it is
        bob = s.peer_by_id(BOB[0])
        assert bob is not None and bob.access_hash == BOB[1]
        s.set_user(43, False)
        assert not s.get_login_unverified()
    assert (tmp_path / "tele.session.telethon").exists()


def test_an_encrypted_storage_seals_the_converted_key(tmp_path: Path) -> None:
    path = kurigram_file(tmp_path, key(3))
    with SQLiteStorage(path, encryption_key=b"k" * 32) as s:
        assert s.encrypted and s.get_auth_key(2) == key(3)
    with sqlite3.connect(path) as conn:
        assert key(3) not in b"".join(bytes(r[0]) for r in conn.execute("SELECT auth_key FROM dcs"))


def test_files_of_other_formats_are_refused_naming_what_they_are(tmp_path: Path) -> None:
    other = tmp_path / "other.session"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(StorageCorruptError, match=r"another program, not a tgfleet session \(tables: things\)"):
        SQLiteStorage(other).open()
    garbage = tmp_path / "garbage.session"
    garbage.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StorageCorruptError, match="not a readable session file"):
        SQLiteStorage(garbage).open()
    short = kurigram_file(tmp_path, b"\x01\x02")
    with pytest.raises(StorageCorruptError, match="auth key must be 256 bytes, got 2"):
        SQLiteStorage(short).open()
    assert not (tmp_path / "alice.session.pyrogram").exists()  # nothing converted, nothing copied


def test_a_file_another_program_is_writing_is_not_converted(tmp_path: Path) -> None:
    path = kurigram_file(tmp_path, key(5))
    before = path.read_bytes()
    Path(f"{path}-journal").write_bytes(b"\x01" * 512)
    with pytest.raises(StorageError, match="in use or was not closed cleanly"):
        SQLiteStorage(path).open()
    assert path.read_bytes() == before and not (tmp_path / "alice.session.pyrogram").exists()


@pytest.mark.parametrize("kind", ["pyrogram", "telethon"])
async def test_a_client_pointed_at_a_foreign_file_is_logged_in_without_a_new_key(
    tg: Sandbox, tmp_path: Path, kind: str
) -> None:
    alice = tg.add_user(phone="+15557400001", first_name="Alice", dc=1)
    origin = await logged_in(tg, alice.phone)
    assert origin.storage is not None
    auth_key = origin.storage.get_auth_key(1)
    assert auth_key is not None
    await origin.disconnect()
    address = tg.network.address(1)
    if kind == "pyrogram":
        await asyncio.to_thread(kurigram_file, tmp_path, auth_key, tg.api_id, alice.id, 1)
    else:
        telethon_file(tmp_path / "alice.session", auth_key, address.host, address.port, dc_id=1)
    keys = tg.auth_key_ids(1)
    client = Client("alice", api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network, workdir=tmp_path, **FAST)
    assert await client.connect() is True
    try:
        assert (await client.get_me()).id == alice.id
        assert client.storage is not None and client.storage.get_user_id() == alice.id
    finally:
        await client.disconnect()
    assert tg.auth_key_ids(1) == keys  # the file's key, no new one
