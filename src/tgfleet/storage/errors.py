"""Typed errors of the session storage. Each docstring says what the caller should do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from tgfleet.errors import TgfleetError


class StorageError(TgfleetError):
    """A session storage operation failed (an SQLite or file-system error, named in the message).

    What to do: check the path, permissions and free disk space; the data written before the failing call is
    intact (every write is one transaction).
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        super().__init__(message)


class StorageClosedError(StorageError):
    """The storage was used before ``open()`` or after ``close()``.

    What to do: open the storage (or use it as a context manager) before reading or writing it.
    """


class StorageValueError(StorageError, ValueError):
    """A value refused on write: an auth key that is not 256 bytes, an out-of-range id, an empty address.

    What to do: fix the argument; nothing was written.
    """


class StorageCorruptError(StorageError):
    """The session file is not a tgfleet session database, or its content is damaged or was tampered with.

    What to do: restore the file from a backup or delete it and log in again; never keep writing to it.
    """


class StorageSchemaError(StorageError):
    """The session file was written by a newer tgfleet (its schema version is unknown to this code).

    What to do: upgrade tgfleet; do not open the file with this version (it would not understand the data).
    """


class StorageKeyError(StorageError):
    """The encryption key is wrong, missing (the file is encrypted) or malformed (bytes keys are 32 bytes).

    What to do: open the storage with the key (or passphrase) it was created with. The data is not damaged.
    """


@dataclass(frozen=True)
class LockHolder:
    """Who holds a session lock, as recorded in ``<session>.lock`` by the holder."""

    pid: int
    host: str
    owner: str
    since: float  # unix time the lock was taken

    def describe(self) -> str:
        """``pid 4242 on host h1 (tgfleet Client 'alice') since 2026-11-25 10:00:00Z``."""
        when = datetime.fromtimestamp(self.since, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        label = f" ({self.owner})" if self.owner else ""
        return f"pid {self.pid} on host {self.host}{label} since {when}"


class SessionLockedError(StorageError):
    """The session is open in another client (this process or another): one active session per client.

    ``holder`` names the holder when it is known (pid, host, owner label, since). What to do: close that
    client first, or use a different session. Two clients on one session would corrupt its MTProto state
    (message ids, sequence numbers, update state) and get the key revoked by Telegram.
    """

    def __init__(self, session: str, holder: LockHolder | None, *, path: str = "") -> None:
        self.session = session
        self.holder = holder
        who = holder.describe() if holder is not None else "another process (holder details unavailable)"
        super().__init__(f"session {session!r} is in use by {who}; close that client first", path=path)
