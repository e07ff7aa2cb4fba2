"""A Pyrogram or Telethon ``.session`` file at a tgfleet session's path becomes a tgfleet session, in place.

The decision: tgfleet converts rather than writing Pyrogram's or Telethon's schema (theirs has no room for what
tgfleet keeps: salts, clock offsets, every DC's key, the DC list, the update state of channels). The login (DC,
auth key, user, api_id, test mode) and the peers with their access hashes are taken over, so the account works
without a new login and known ids resolve at once. The original file is kept beside it, byte for byte, as
``<file>.pyrogram`` (or ``.telethon``; ``.pyrogram.1``... if taken), which Pyrogram/Telethon can still use, and a
warning is logged saying so. Never run both on one key at once: Telegram ends a session whose key is used from two
places (AUTH_KEY_DUPLICATED). The new file is written beside the old one and moved over it in one rename, so a crash
leaves either file whole.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING

from tgfleet.storage.errors import StorageError
from tgfleet.storage.foreign import PYROGRAM, TELETHON, ForeignSession, file_format, read_foreign

if TYPE_CHECKING:
    from tgfleet.storage.sqlite.storage import SQLiteStorage

log = logging.getLogger("tgfleet.storage")
_SIDE_FILES = ("-wal", "-shm", "-journal", ".lock")


def convert_foreign(path: str, new_storage: Callable[[str], SQLiteStorage]) -> str | None:
    """If ``path`` is a Pyrogram or Telethon file, rewrite it as a tgfleet session (made by ``new_storage``) and
    return where the original is kept; None for a tgfleet file or none. A file of any other format raises
    StorageCorruptError naming what it is; one another program is writing (its journal is not empty), StorageError.
    """
    _check_not_in_use(path, "-journal")  # tgfleet never writes one; reading past a hot journal fails
    if file_format(path) not in (PYROGRAM, TELETHON):
        return None
    _check_not_in_use(path, "-wal")
    session = read_foreign(path)
    staging = f"{path}.converting"
    _remove(staging)
    with new_storage(staging) as target:
        write_session(target, session)
    backup = _free_name(f"{path}.{session.format}")
    shutil.copy2(path, backup)
    os.replace(staging, path)
    _remove(staging)
    log.warning(
        "%s was a %s session file: converted to tgfleet's format (%s can no longer read it); the original is kept"
        " as %s",
        path, session.format, session.format.capitalize(), backup,
    )  # fmt: skip
    return backup


def write_session(target: SQLiteStorage, session: ForeignSession) -> None:
    """The login and peers of ``session``, in one transaction."""
    with target.transaction():
        target.set_dc_id(session.dc_id)
        target.set_test_mode(session.test_mode)
        target.set_auth_key(session.dc_id, session.auth_key)
        if session.api_id is not None:
            target.set_api_id(session.api_id)
        if session.user_id is not None:
            target.set_user(session.user_id, bool(session.is_bot))
        target.set_converted_from(session.format)
        target.put_peers(session.peers)


def _check_not_in_use(path: str, side: str) -> None:
    if os.path.exists(path + side) and os.path.getsize(path + side) > 0:
        raise StorageError(
            f"{path} is in use or was not closed cleanly ({path + side} is not empty): stop the program using it"
            " and open the file with that program once before tgfleet converts it",
            path=path,
        )


def _free_name(base: str) -> str:
    name, n = base, 0
    while os.path.exists(name):
        n += 1
        name = f"{base}.{n}"
    return name


def _remove(path: str) -> None:
    for name in (path, *(path + side for side in _SIDE_FILES)):
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass
