"""The session lock: one active session per client (POSIX; Windows is not a target).

Opening a session file takes an exclusive ``flock`` on ``<session>.lock`` (non-blocking) and writes the holder
(pid, host, owner label, since) into it, so a second opener fails at once with SessionLockedError naming the
holder. flock conflicts between open file descriptions, so a second opener in the same process fails too; an
in-process registry gives that case the same precise message without touching the file. The kernel drops the
flock when the holder dies, so a stale lock is simply taken over (and the holder record rewritten). The lock
file is never deleted (deleting it would let two openers lock two different inodes); its content is cleared on
release. Without ``fcntl`` the lock is an ``O_EXCL`` file, taken over when its pid is gone on this host.

A lock belongs to the process that took it: a forked child must not use its parent's storage.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import threading
import time
import weakref
from dataclasses import asdict

from tgfleet.storage.errors import LockHolder, SessionLockedError, StorageError

try:
    import fcntl

    USE_FLOCK = True
except ImportError:  # pragma: no cover - not a POSIX system
    USE_FLOCK = False

_REGISTRY_LOCK = threading.Lock()
_HELD: dict[str, LockHolder] = {}  # realpath of the lock file -> holder, for locks held by this process
_READ_TRIES = 20  # a new holder writes its record right after locking: re-read an empty record briefly


class SessionLock:
    """An exclusive lock on ``<path>.lock`` for the session at ``path``. ``session`` names it in messages."""

    def __init__(self, path: str, *, owner: str = "", session: str | None = None) -> None:
        self.lock_path = path + ".lock"
        self.session = session if session is not None else os.path.basename(path)
        self.owner = owner
        self._key = os.path.realpath(self.lock_path)
        self._fd: int | None = None
        self._held = False
        self._finalizer: weakref.finalize[[int | None, str, str], SessionLock] | None = None

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> None:
        """Take the lock or raise SessionLockedError at once (StorageError when the file can't be made)."""
        if self._held:
            return
        holder = LockHolder(pid=os.getpid(), host=platform.node(), owner=self.owner, since=time.time())
        with _REGISTRY_LOCK:
            other = _HELD.get(self._key)
            if other is not None:
                raise SessionLockedError(self.session, other, path=self.lock_path)
            _HELD[self._key] = holder
        try:
            if USE_FLOCK:
                self._fd = self._flock(holder)
            else:
                self._excl(holder)
        except BaseException:
            with _REGISTRY_LOCK:
                _HELD.pop(self._key, None)
            raise
        self._held = True
        self._finalizer = weakref.finalize(self, _release, self._fd, self.lock_path, self._key)

    def release(self) -> None:
        """Give the lock up. Idempotent. (Also done when the lock is garbage-collected or at exit.)"""
        self._held = False
        self._fd = None
        if self._finalizer is not None:
            finalizer, self._finalizer = self._finalizer, None
            finalizer()

    # --- flock ------------------------------------------------------------------------------------------------
    def _flock(self, holder: LockHolder) -> int:
        fd = self._open_file(os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            try:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise SessionLockedError(self.session, _read_holder(fd), path=self.lock_path) from None
                raise StorageError(f"cannot lock {self.lock_path}: {exc}", path=self.lock_path) from exc
            finally:
                os.close(fd)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, _encode(holder), 0)
        except OSError as exc:
            os.close(fd)
            raise StorageError(f"cannot write {self.lock_path}: {exc}", path=self.lock_path) from exc
        return fd

    # --- O_EXCL fallback ------------------------------------------------------------------------------------------
    def _excl(self, holder: LockHolder) -> None:
        for _ in range(2):
            try:
                fd = self._open_file(os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                recorded = read_lock_holder(self.lock_path)
                if recorded is None or recorded.host != holder.host or _pid_alive(recorded.pid):
                    raise SessionLockedError(self.session, recorded, path=self.lock_path) from None
                _unlink_quietly(self.lock_path)  # stale: its process is gone
                continue
            try:
                os.write(fd, _encode(holder))
            finally:
                os.close(fd)
            return
        raise SessionLockedError(self.session, read_lock_holder(self.lock_path), path=self.lock_path)

    def _open_file(self, flags: int) -> int:
        try:
            return os.open(self.lock_path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            raise
        except OSError as exc:
            raise StorageError(f"cannot open lock file {self.lock_path}: {exc}", path=self.lock_path) from exc


def _release(fd: int | None, lock_path: str, key: str) -> None:
    """Drop a held lock: clear the holder record and close the descriptor (flock) or remove the file (O_EXCL)."""
    try:
        if fd is not None:
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)  # closing the only descriptor drops the flock
        else:
            _unlink_quietly(lock_path)
    finally:
        with _REGISTRY_LOCK:
            _HELD.pop(key, None)


def read_lock_holder(lock_path: str) -> LockHolder | None:
    """The holder recorded in a lock file, or None when it is missing, empty or unreadable."""
    try:
        with open(lock_path, "rb") as file:
            return _decode(file.read())
    except OSError:
        return None


def _read_holder(fd: int) -> LockHolder | None:
    for _ in range(_READ_TRIES):
        try:
            holder = _decode(os.pread(fd, 4096, 0))
        except OSError:
            return None
        if holder is not None:
            return holder
        time.sleep(0.005)  # bounded (~0.1 s): the holder is between flock() and writing its record
    return None


def _encode(holder: LockHolder) -> bytes:
    return json.dumps(asdict(holder), sort_keys=True).encode() + b"\n"


def _decode(data: bytes) -> LockHolder | None:
    try:
        raw = json.loads(data)
        return LockHolder(
            pid=int(raw["pid"]), host=str(raw["host"]), owner=str(raw["owner"]), since=float(raw["since"])
        )
    except (ValueError, KeyError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
