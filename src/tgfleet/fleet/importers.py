"""Reading a session to import: Pyrogram session strings (362/351/356 characters), Telethon string sessions,
Pyrogram and Telethon ``.session`` files, and tgfleet's own session files (``tgfleet.storage.SQLiteStorage``).

Strings are decoded by ``tgfleet.client.session_strings``. Pyrogram's and Telethon's files are read read-only by
``tgfleet.storage.foreign`` (the parser ``SQLiteStorage`` converts them with too). Only the login (DC, key, user,
api_id) is taken from foreign files; the client fetches peers and update state again. A tgfleet file is opened
through ``SQLiteStorage`` (its session lock refuses a file a client is using; an encrypted file needs its key) and
gives every DC's key, salt and clock offset, the DC list and the update state.

Stop the program that used a session before importing it: after the import the fleet runs the key, and two users of
one key kill the session (AUTH_KEY_DUPLICATED). Everything read is checked; a bad value raises SessionImportError.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tgfleet.client.session_strings import SessionStringError, decode_session_string
from tgfleet.fleet.errors import SessionImportError
from tgfleet.fleet.snapshot import DcRecord, SessionSnapshot
from tgfleet.storage import SQLiteStorage, StorageError
from tgfleet.storage.foreign import EMPTY, TGFLEET, ForeignSession, file_format, read_foreign

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_STRING_CHARS = 4096


@dataclass(frozen=True)
class ImportedSession:
    """A session read from a source: ``format`` (``pyrogram-362``, ``telethon``, ``pyrogram-file``,
    ``telethon-file``, ``tgfleet-file``...), the session, and what else the source said (``detail``: e.g. the
    Telethon server address), for the account's origin."""

    format: str
    session: SessionSnapshot
    detail: dict[str, Any] = field(default_factory=dict)
    name: str = ""  # a default label: the file's stem


def read_source(source: str | os.PathLike[str], *, storage_key: bytes | str | None = None) -> ImportedSession:
    """Read a session string, or the session file at ``source`` (blocking: call it from a thread)."""
    if isinstance(source, os.PathLike) or _looks_like_path(source):
        return read_file(Path(source), storage_key=storage_key)
    return read_string(source)


def _looks_like_path(text: str) -> bool:
    if len(text) > MAX_STRING_CHARS:
        raise SessionImportError(f"a session source of {len(text)} characters is neither a path nor a session string")
    return os.path.exists(text) or text.endswith(".session") or os.sep in text


def read_string(text: str) -> ImportedSession:
    try:
        data = decode_session_string(text)
    except SessionStringError as exc:
        raise SessionImportError(str(exc)) from None
    session = SessionSnapshot(
        dc_id=data.dc_id, test_mode=data.test_mode, api_id=data.api_id, user_id=data.user_id, is_bot=data.is_bot,
        dcs={data.dc_id: DcRecord(auth_key=data.auth_key)},
    )  # fmt: skip
    detail = {"server": list(data.server)} if data.server else {}
    return ImportedSession(data.format, session, detail)


def read_file(path: Path, *, storage_key: bytes | str | None = None) -> ImportedSession:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SessionImportError(f"cannot read {path}: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise SessionImportError(f"{path} is {size} bytes, too large for a session file")
    try:
        kind = file_format(path)
        if kind == TGFLEET:
            return _tgfleet_file(path, storage_key)
        if kind == EMPTY:
            raise SessionImportError(f"{path} is empty: not a Pyrogram, Telethon or tgfleet session file")
        return _foreign_file(path, read_foreign(path))
    except StorageError as exc:
        raise SessionImportError(str(exc)) from None


def _foreign_file(path: Path, found: ForeignSession) -> ImportedSession:
    session = SessionSnapshot(
        dc_id=found.dc_id, test_mode=found.test_mode, api_id=found.api_id, user_id=found.user_id,
        is_bot=found.is_bot, dcs={found.dc_id: DcRecord(auth_key=found.auth_key)},
    )  # fmt: skip
    detail: dict[str, Any] = {"file": str(path)}
    if found.server is not None:
        detail["server"] = list(found.server)
    return ImportedSession(f"{found.format}-file", session, detail, path.stem)


def _tgfleet_file(path: Path, storage_key: bytes | str | None) -> ImportedSession:
    try:
        with SQLiteStorage(path, encryption_key=storage_key, owner="tgfleet fleet import") as storage:
            dcs = {
                dc: DcRecord(storage.get_auth_key(dc), storage.get_server_salt(dc), storage.get_time_offset(dc))
                for dc in sorted(storage.get_auth_keys())
            }
            session = SessionSnapshot(
                dc_id=storage.get_dc_id(), test_mode=storage.get_test_mode(), api_id=storage.get_api_id(),
                user_id=storage.get_user_id(), is_bot=storage.get_is_bot(), dcs=dcs,
                dc_options=storage.get_dc_options(), dc_options_at=storage.get_dc_options_fetched_at(),
                update_state=storage.get_update_state(), channel_pts=storage.get_all_channel_pts(),
            )  # fmt: skip
    except StorageError as exc:
        raise SessionImportError(f"{path}: {exc}") from None
    if session.dc_id is None or session.home_key is None:
        raise SessionImportError(f"{path}: the tgfleet session has no auth key for its home DC (never connected)")
    return ImportedSession("tgfleet-file", session, {"file": str(path)}, path.stem)
