"""The session lock: one active session per client, in this process and across processes."""

from __future__ import annotations

import gc
import os
import platform
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgfleet.storage import SessionLockedError, SQLiteStorage, read_lock_holder
from tgfleet.storage import lock as lock_module

from .helpers import read_line, run_python

_CHILD = """
import sys
from tgfleet.storage import SQLiteStorage, SessionLockedError
path, owner, mode = sys.argv[1:4]
s = SQLiteStorage(path, owner=owner)
try:
    s.open()
except SessionLockedError as exc:
    print("refused", exc.holder.pid if exc.holder else -1, exc, sep="\\t", flush=True)
    sys.exit(0)
print("locked", flush=True)
if mode == "hold":
    sys.stdin.readline()
s.close()
print("closed", flush=True)
"""


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for child in started:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=10)


def _spawn(children: list[subprocess.Popen[str]], path: Path, owner: str, mode: str) -> subprocess.Popen[str]:
    child = run_python(_CHILD, str(path), owner, mode)
    children.append(child)
    return child


def _holder(children: list[subprocess.Popen[str]], path: Path, owner: str) -> subprocess.Popen[str]:
    """A child that opens the session and holds it until a line arrives on its stdin."""
    child = _spawn(children, path, owner, "hold")
    line = read_line(child)
    assert line == "locked\n", (line, child.stderr.read() if child.stderr else "")
    return child


def test_a_second_storage_in_this_process_fails_fast_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "alice.session"
    with SQLiteStorage(path, owner="tgfleet Client 'alice'"):
        started = time.monotonic()
        with pytest.raises(SessionLockedError) as info:
            SQLiteStorage(path, owner="other").open()
        assert time.monotonic() - started < 1.0
        with pytest.raises(SessionLockedError):  # the same file by another spelling
            SQLiteStorage(tmp_path / "." / "alice.session").open()
    holder = info.value.holder
    assert holder is not None and (holder.pid, holder.host, holder.owner) == (
        os.getpid(),
        platform.node(),
        "tgfleet Client 'alice'",
    )
    assert str(info.value).startswith(
        f"session 'alice.session' is in use by pid {os.getpid()} on host {platform.node()} (tgfleet Client 'alice')"
        " since 20"
    )
    assert str(info.value).endswith("Z; close that client first")
    with SQLiteStorage(path) as s:  # free again after close
        s.set_dc_id(2)


def test_flock_alone_refuses_a_second_open_file_description(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "alice.session"
    with SQLiteStorage(path, owner="first"):
        monkeypatch.setattr(lock_module, "_HELD", {})  # forget the registry: only the kernel lock is left
        with pytest.raises(SessionLockedError) as info:
            SQLiteStorage(path).open()
        monkeypatch.undo()
    assert info.value.holder is not None and info.value.holder.owner == "first"


def test_the_lock_file_records_the_holder_and_is_cleared_on_close(tmp_path: Path) -> None:
    path = tmp_path / "alice.session"
    with SQLiteStorage(path, owner="me"):
        holder = read_lock_holder(f"{path}.lock")
        assert holder is not None and holder.pid == os.getpid() and holder.owner == "me"
    assert read_lock_holder(f"{path}.lock") is None


def test_another_process_is_refused_with_the_holders_pid(tmp_path: Path, children: list[subprocess.Popen[str]]) -> None:
    path = tmp_path / "alice.session"
    with SQLiteStorage(path, owner="tgfleet Client 'alice'"):
        child = _spawn(children, path, "second", "once")
        status, pid, message = read_line(child).rstrip("\n").split("\t")
        assert (status, int(pid)) == ("refused", os.getpid())
        assert f"pid {os.getpid()} on host" in message and "(tgfleet Client 'alice')" in message
        assert child.wait(timeout=30) == 0


def test_a_holder_process_blocks_us_until_it_closes(tmp_path: Path, children: list[subprocess.Popen[str]]) -> None:
    path = tmp_path / "alice.session"
    child = _holder(children, path, "tgfleet Client 'alice'")
    with pytest.raises(SessionLockedError) as info:
        SQLiteStorage(path).open()
    assert info.value.holder is not None and info.value.holder.pid == child.pid
    assert f"in use by pid {child.pid} on host" in str(info.value)
    assert child.stdin is not None
    child.stdin.write("close\n")
    child.stdin.flush()
    assert read_line(child) == "closed\n"
    with SQLiteStorage(path, owner="us") as s:
        s.set_dc_id(2)
        holder = read_lock_holder(f"{path}.lock")
        assert holder is not None and (holder.pid, holder.owner) == (os.getpid(), "us")


def test_a_killed_holders_lock_is_taken_over(tmp_path: Path, children: list[subprocess.Popen[str]]) -> None:
    path = tmp_path / "alice.session"
    child = _holder(children, path, "doomed")
    stale = read_lock_holder(f"{path}.lock")
    assert stale is not None and stale.pid == child.pid
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    with SQLiteStorage(path, owner="heir") as s:
        s.set_dc_id(2)
        holder = read_lock_holder(f"{path}.lock")
        assert holder is not None and (holder.pid, holder.owner) == (os.getpid(), "heir")


def test_a_garbage_collected_storage_releases_its_lock(tmp_path: Path) -> None:
    path = tmp_path / "alice.session"
    s = SQLiteStorage(path)
    s.open()
    del s
    gc.collect()
    with SQLiteStorage(path):
        pass


def test_the_o_excl_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_module, "USE_FLOCK", False)
    path = tmp_path / "alice.session"
    with SQLiteStorage(path, owner="first"):
        monkeypatch.setattr(lock_module, "_HELD", {})
        with pytest.raises(SessionLockedError, match=r"\(first\)"):
            SQLiteStorage(path).open()
        monkeypatch.undo()
        monkeypatch.setattr(lock_module, "USE_FLOCK", False)
    assert not Path(f"{path}.lock").exists()
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = f'{{"host": "{platform.node()}", "owner": "dead", "pid": {gone.pid}, "since": 0}}'
    Path(f"{path}.lock").write_text(stale)
    with SQLiteStorage(path, owner="heir"):  # the recorded pid is gone: taken over
        holder = read_lock_holder(f"{path}.lock")
        assert holder is not None and holder.owner == "heir"
    live = f'{{"host": "{platform.node()}", "owner": "alive", "pid": {os.getppid()}, "since": 0}}'
    Path(f"{path}.lock").write_text(live)
    with pytest.raises(SessionLockedError, match=r"\(alive\)"):
        SQLiteStorage(path).open()
