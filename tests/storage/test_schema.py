"""Schema versions and migrations; files that are not (valid) session databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tgfleet.storage import SQLiteStorage, StorageCorruptError, StorageError, StorageSchemaError
from tgfleet.storage.sqlite import schema

from .helpers import key, user


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])


def _add_note_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE peers ADD COLUMN note TEXT")
    conn.execute("UPDATE peers SET note = 'migrated'")


def test_a_new_file_gets_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_dc_id(2)
    assert _version(path) == len(schema.MIGRATIONS) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_file_is_migrated_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_auth_key(2, key(2))
        s.put_peers([user(10, access_hash=1)])
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, _add_note_column))
    with SQLiteStorage(path) as s:
        assert s.get_auth_key(2) == key(2) and s.peer_by_id(10) is not None
    assert _version(path) == 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT note FROM peers").fetchall() == [("migrated",)]


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_dc_id(2)

    def broken(conn: sqlite3.Connection) -> None:
        _add_note_column(conn)
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    with pytest.raises(RuntimeError, match="migration bug"):
        SQLiteStorage(path).open()
    monkeypatch.undo()
    assert _version(path) == 1
    with SQLiteStorage(path) as s:  # the lock was released by the failed open
        assert s.get_dc_id() == 2
    with sqlite3.connect(path) as conn:
        assert "note" not in [row[1] for row in conn.execute("PRAGMA table_info(peers)")]


def test_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_dc_id(2)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StorageSchemaError, match=r"schema version 99, newer than this tgfleet knows \(1\)") as info:
        SQLiteStorage(path).open()
    assert info.value.path == str(path)
    assert _version(path) == 99  # untouched


def test_a_non_sqlite_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.session"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageCorruptError, match=r"junk\.session") as info:
        SQLiteStorage(path).open()
    assert info.value.path == str(path)
    with SQLiteStorage(tmp_path / "other.session"):  # no lock or registry entry leaked
        pass
    with pytest.raises(StorageCorruptError):
        SQLiteStorage(path).open()


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pyrogram.session"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE sessions (dc_id INTEGER PRIMARY KEY, auth_key BLOB)")
    with pytest.raises(StorageCorruptError, match=r"not a tgfleet session \(tables: sessions\)"):
        SQLiteStorage(path).open()


def test_a_damaged_page_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.put_peers([user(i, access_hash=i, username=f"user{i}") for i in range(1, 2000)])
    data = bytearray(path.read_bytes())
    assert len(data) > 3 * 4096
    data[4096 : 3 * 4096] = b"\xff" * (2 * 4096)  # wreck a few pages after the header page
    path.write_bytes(bytes(data))
    with pytest.raises(StorageCorruptError, match=r"a\.session"), SQLiteStorage(path) as s:
        for i in range(1, 2000):
            s.peer_by_username(f"user{i}")


def test_a_new_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_auth_key(2, key(2))
        assert (path.stat().st_mode & 0o777, Path(f"{path}-wal").stat().st_mode & 0o777) == (0o600, 0o600)
    assert Path(f"{path}.lock").stat().st_mode & 0o777 == 0o600


def test_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no-such-dir"):
        SQLiteStorage(tmp_path / "no-such-dir" / "a.session").open()
