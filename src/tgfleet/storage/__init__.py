"""Session storage: what a client keeps between runs, for one account per storage.

Owns the home DC, test mode, api_id, the signed-in user, auth keys (with server salt and time offset) per DC,
the DC list from help.getConfig, peers with access hashes and a username cache, and the update state
(common pts/qts/date/seq and per-channel pts). May import only ``tgfleet.errors`` and ``cryptography``.

- ``Storage``: the interface (synchronous; every write is a committed transaction; ``transaction()`` groups;
  ``open``/``close``/``save``/``delete`` return ``DONE``, which may be awaited as Pyrogram's are).
- ``MemoryStorage``: in process memory.
- ``SQLiteStorage``: one SQLite file (WAL), a session lock (one active session per client, POSIX flock on
  ``<file>.lock``), optional AES-256-GCM encryption of the secrets, schema migrations.
- ``foreign``: Pyrogram's and Telethon's ``.session`` files (``file_format``, ``read_foreign``); ``SQLiteStorage``
  converts one found at its path into its own format, the original kept beside it (``sqlite/convert.py``).
- Records: ``PeerRecord`` / ``PeerType``, ``DcOption``, ``UpdateState``.
- Errors: ``StorageError`` and its kinds (``SessionLockedError``, ``StorageKeyError``, ``StorageCorruptError``,
  ``StorageSchemaError``, ``StorageValueError``, ``StorageClosedError``).
"""

from __future__ import annotations

from tgfleet.storage.base import DONE, USERNAME_TTL, Done, Storage
from tgfleet.storage.errors import (
    LockHolder,
    SessionLockedError,
    StorageClosedError,
    StorageCorruptError,
    StorageError,
    StorageKeyError,
    StorageSchemaError,
    StorageValueError,
)
from tgfleet.storage.lock import SessionLock, read_lock_holder
from tgfleet.storage.memory import MemoryStorage
from tgfleet.storage.records import AUTH_KEY_SIZE, DcOption, PeerRecord, PeerType, UpdateState
from tgfleet.storage.sqlite import SQLiteStorage

__all__ = [
    "AUTH_KEY_SIZE",
    "DONE",
    "USERNAME_TTL",
    "DcOption",
    "Done",
    "LockHolder",
    "MemoryStorage",
    "PeerRecord",
    "PeerType",
    "SQLiteStorage",
    "SessionLock",
    "SessionLockedError",
    "Storage",
    "StorageClosedError",
    "StorageCorruptError",
    "StorageError",
    "StorageKeyError",
    "StorageSchemaError",
    "StorageValueError",
    "UpdateState",
    "read_lock_holder",
]
