"""Encryption at rest: auth keys and DC secrets sealed with AES-256-GCM, bound to their rows."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tgfleet.storage import DcOption, SQLiteStorage, StorageCorruptError, StorageKeyError

KEY = bytes(range(32))
SECRET = b"\xee\x01" * 8


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _fill(path: Path, encryption_key: bytes | str | None, auth_keys: dict[int, bytes]) -> None:
    with SQLiteStorage(path, encryption_key=encryption_key) as s:
        for dc_id, auth_key in auth_keys.items():
            s.set_auth_key(dc_id, auth_key)
        s.set_dc_options([DcOption(2, "1.2.3.4", 443, secret=SECRET), DcOption(4, "1.2.3.5", 443, secret=SECRET)])


@pytest.mark.parametrize("encryption_key", [KEY, "correct horse battery staple"])
def test_round_trip_and_no_plaintext_in_the_file(tmp_path: Path, encryption_key: bytes | str) -> None:
    path, keys = tmp_path / "a.session", {2: os.urandom(256), 4: os.urandom(256)}
    _fill(path, encryption_key, keys)
    with SQLiteStorage(path, encryption_key=encryption_key) as s:
        assert s.encrypted and s.get_auth_keys() == keys
        assert [o.secret for o in s.get_dc_options()] == [SECRET, SECRET]
        data = _file_bytes(path)  # while open too: nothing in the WAL either
    data += _file_bytes(path)
    for secret in (*keys.values(), keys[2][:32], SECRET, KEY):
        assert secret not in data


def test_a_plain_file_holds_the_key_in_clear(tmp_path: Path) -> None:  # the grep above would find it
    path, auth_key = tmp_path / "a.session", os.urandom(256)
    _fill(path, None, {2: auth_key})
    assert auth_key in _file_bytes(path)


def test_a_wrong_or_missing_key_is_refused_and_the_data_kept(tmp_path: Path) -> None:
    path, auth_key = tmp_path / "a.session", os.urandom(256)
    _fill(path, "passphrase", {2: auth_key})
    with pytest.raises(StorageKeyError, match="wrong encryption key") as info:
        SQLiteStorage(path, encryption_key="Passphrase").open()
    assert info.value.path == str(path)
    with pytest.raises(StorageKeyError, match="is encrypted: pass encryption_key"):
        SQLiteStorage(path).open()
    with pytest.raises(StorageKeyError, match="passphrase"):
        SQLiteStorage(path, encryption_key=KEY).open()
    with SQLiteStorage(path, encryption_key="passphrase") as s:  # the failed opens released the lock
        assert s.get_auth_key(2) == auth_key

    _fill(tmp_path / "b.session", KEY, {2: auth_key})
    with pytest.raises(StorageKeyError, match="wrong encryption key"):
        SQLiteStorage(tmp_path / "b.session", encryption_key=bytes(32)).open()


@pytest.mark.parametrize("bad", [b"short", bytes(33), ""])
def test_a_malformed_key_is_refused_at_once(tmp_path: Path, bad: bytes | str) -> None:
    with pytest.raises(StorageKeyError):
        SQLiteStorage(tmp_path / "a.session", encryption_key=bad)


def test_a_plain_file_opened_with_a_key_is_encrypted_on_open(tmp_path: Path) -> None:
    path, auth_key = tmp_path / "a.session", os.urandom(256)
    _fill(path, None, {2: auth_key})
    with SQLiteStorage(path, encryption_key=KEY) as s:
        assert s.encrypted and s.get_auth_key(2) == auth_key
        assert [o.secret for o in s.get_dc_options()] == [SECRET, SECRET]
    assert auth_key not in _file_bytes(path) and SECRET not in _file_bytes(path)
    with pytest.raises(StorageKeyError):
        SQLiteStorage(path).open()


def test_a_delete_keeps_the_encryption(tmp_path: Path) -> None:
    path, auth_key = tmp_path / "a.session", os.urandom(256)
    _fill(path, KEY, {2: auth_key})
    with SQLiteStorage(path, encryption_key=KEY) as s:
        s.delete()
        s.set_auth_key(3, auth_key)
    assert auth_key not in _file_bytes(path)
    with pytest.raises(StorageKeyError):
        SQLiteStorage(path).open()


def test_swapped_auth_key_rows_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    _fill(path, KEY, {2: os.urandom(256), 4: os.urandom(256)})
    with sqlite3.connect(path) as conn:
        (blob2,), (blob4,) = conn.execute("SELECT auth_key FROM dcs ORDER BY dc_id").fetchall()
        conn.execute("UPDATE dcs SET auth_key = ? WHERE dc_id = 2", (blob4,))
        conn.execute("UPDATE dcs SET auth_key = ? WHERE dc_id = 4", (blob2,))
    conn.close()
    with SQLiteStorage(path, encryption_key=KEY) as s:
        with pytest.raises(StorageCorruptError, match="auth key of DC 2 does not authenticate"):
            s.get_auth_key(2)
        with pytest.raises(StorageCorruptError):
            s.get_auth_keys()
        s.set_auth_key(2, bytes(256))  # a damaged row can be replaced
        assert s.get_auth_key(2) == bytes(256)


def test_swapped_dc_secrets_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path, encryption_key=KEY) as s:
        s.set_dc_options([DcOption(2, "1.2.3.4", 443, secret=b"two"), DcOption(4, "1.2.3.5", 443, secret=b"four")])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE dc_options SET secret = (SELECT secret FROM dc_options WHERE dc_id = 4) WHERE dc_id = 2")
    conn.close()
    with SQLiteStorage(path, encryption_key=KEY) as s, pytest.raises(StorageCorruptError, match="secret of DC 2"):
        s.get_dc_options()
