"""Writes are atomic: a failure (or a crash) in the middle of a write leaves the previous state."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgfleet.storage import SQLiteStorage, StorageError, UpdateState
from tgfleet.storage import records as records_module
from tgfleet.storage.sqlite import peers as sqlite_peers

from .helpers import Harness, key, run_python, user


def _login(harness: Harness) -> None:
    s = harness.storage
    s.set_dc_id(2)
    s.set_auth_key(2, key(2))
    s.set_user(10, is_bot=False)


def test_a_transaction_that_raises_keeps_nothing(harness: Harness) -> None:
    _login(harness)
    s = harness.storage
    with pytest.raises(RuntimeError, match="injected"), s.transaction():
        s.set_dc_id(4)
        s.set_auth_key(4, key(4))
        with s.transaction():  # nested: part of the outer one
            s.set_user(20, is_bot=True)
            s.put_peers([user(20, access_hash=1)])
        raise RuntimeError("injected")
    s = harness.reopen()
    assert (s.get_dc_id(), s.get_auth_keys(), s.get_user_id(), s.peer_by_id(20)) == (2, {2: key(2)}, 10, None)


def test_a_transaction_that_completes_keeps_everything(harness: Harness) -> None:
    s = harness.storage
    with s.transaction():
        s.set_dc_id(4)
        s.set_update_state(UpdateState(1, 2, 3, 4))
    s = harness.reopen()
    assert s.get_dc_id() == 4 and s.get_update_state() == UpdateState(1, 2, 3, 4)


def test_put_peers_failing_midway_keeps_none_of_the_batch(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    s = harness.storage
    s.put_peers([user(1, access_hash=1, username="one")])
    real_merge = records_module.merge_peer
    calls = []

    def failing_merge(*args: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("injected")
        return real_merge(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("tgfleet.storage.memory.merge_peer", failing_merge)
    monkeypatch.setattr("tgfleet.storage.sqlite.storage.merge_peer", failing_merge)
    with pytest.raises(RuntimeError, match="injected"):
        s.put_peers([user(1, access_hash=9, username="renamed"), user(2, access_hash=2), user(3, access_hash=3)])
    monkeypatch.undo()
    s = harness.reopen()
    one = s.peer_by_id(1)
    assert one is not None and (one.access_hash, one.username) == (1, "one")
    assert s.peer_by_id(2) is None and s.peer_by_id(3) is None


def test_an_sqlite_error_midway_rolls_back_and_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SQLiteStorage(tmp_path / "a.session") as s:
        s.put_peers([user(1, access_hash=1)])
        real_store = sqlite_peers.store_peer
        calls = []

        def store_then_break(conn: object, peer: object) -> None:
            real_store(conn, peer)  # type: ignore[arg-type]
            calls.append(1)
            if len(calls) == 2:
                conn.execute("INSERT INTO peers (id, type, updated_at) VALUES (1, 'robot', 0)")  # type: ignore[attr-defined]

        monkeypatch.setattr("tgfleet.storage.sqlite.storage.store_peer", store_then_break)
        with pytest.raises(StorageError, match="CHECK constraint failed"):
            s.put_peers([user(1, access_hash=5), user(2, access_hash=2)])
        monkeypatch.undo()
        one = s.peer_by_id(1)
        assert one is not None and one.access_hash == 1 and s.peer_by_id(2) is None
        s.put_peers([user(2, access_hash=2)])  # the storage is still usable
    with SQLiteStorage(tmp_path / "a.session") as s:
        assert s.peer_by_id(2) is not None


_CRASH = """
import os, sys
from tgfleet.storage import SQLiteStorage
s = SQLiteStorage(sys.argv[1])
s.open()
with s.transaction():
    s.set_dc_id(4)
    s.set_auth_key(4, bytes([4]) * 256)
    os._exit(3)  # the process dies mid-transaction: no rollback, no close
"""


def test_a_crash_mid_transaction_leaves_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "a.session"
    with SQLiteStorage(path) as s:
        s.set_dc_id(2)
        s.set_auth_key(2, key(2))
    child = run_python(_CRASH, str(path))
    _, err = child.communicate(timeout=30)
    assert child.returncode == 3, err
    with SQLiteStorage(path) as s:
        assert s.get_dc_id() == 2 and s.get_auth_keys() == {2: key(2)}
