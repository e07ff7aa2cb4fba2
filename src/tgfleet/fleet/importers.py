"""Reading a session to import: Pyrogram session strings (362/351/356 characters), Telethon string sessions,
Pyrogram and Telethon ``.session`` files, and tgfleet's own session files (``tgfleet.storage.SQLiteStorage``).

Strings are decoded by ``tgfleet.client.session_strings``. Pyrogram's and Telethon's files are SQLite databases,
read here with the standard library, read-only: Pyrogram keeps one ``sessions`` row (dc_id, api_id in newer files,
test_mode, auth_key, user_id, is_bot); Telethon keeps one ``sessions`` row (dc_id, server_address, port, auth_key) and
no user id. Only the login (DC, key, user, api_id) is taken from foreign files; the client fetches peers and update
state again. A tgfleet file is opened through ``SQLiteStorage`` (its session lock refuses a file a client is using;
an encrypted file needs its key) and gives every DC's key, salt and clock offset, the DC list and the update state.

Stop the program that used a session before importing it: after the import the fleet runs the key, and two users of
one key kill the session (AUTH_KEY_DUPLICATED). Everything read is checked; a bad value raises SessionImportError.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tgfleet.client.session_strings import SessionStringError, decode_session_string
from tgfleet.fleet.errors import SessionImportError
from tgfleet.fleet.snapshot import DcRecord, SessionSnapshot
from tgfleet.storage import AUTH_KEY_SIZE, SQLiteStorage, StorageError

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
    tables = _tables(path)
    if {"schema_version", "meta", "dcs"} <= tables:
        return _tgfleet_file(path, storage_key)
    if "sessions" in tables and "entities" in tables:
        return _telethon_file(path)
    if "sessions" in tables and "peers" in tables:
        return _pyrogram_file(path)
    names = ", ".join(sorted(tables)) or "none"
    raise SessionImportError(f"{path} is not a Pyrogram, Telethon or tgfleet session file (tables: {names})")


def _connect_ro(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SessionImportError(f"cannot open {path}: {exc}") from None


def _query(path: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    conn = _connect_ro(path)
    try:
        cursor = conn.execute(sql)
        return [c[0] for c in cursor.description], cursor.fetchmany(2)
    except sqlite3.Error as exc:
        raise SessionImportError(f"{path}: not a readable session file ({exc})") from None
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    _, rows = _query(path, "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'table'")
    return set(str(rows[0][0] or "").split()) if rows else set()


def _one_session_row(path: Path, kind: str) -> dict[str, Any]:
    columns, rows = _query(path, "SELECT * FROM sessions")
    if len(rows) != 1:
        raise SessionImportError(f"{path}: a {kind} session file has one sessions row, this one has {len(rows)}")
    return dict(zip(columns, rows[0], strict=True))


def _pyrogram_file(path: Path) -> ImportedSession:
    row = _one_session_row(path, "Pyrogram")
    dc_id = _dc(path, row.get("dc_id"))
    session = SessionSnapshot(
        dc_id=dc_id, test_mode=bool(_int(path, "test_mode", row.get("test_mode") or 0)),
        api_id=_opt_int(path, "api_id", row.get("api_id")), user_id=_opt_int(path, "user_id", row.get("user_id")),
        is_bot=None if row.get("is_bot") is None else bool(row["is_bot"]),
        dcs={dc_id: DcRecord(auth_key=_key(path, row.get("auth_key")))},
    )  # fmt: skip
    return ImportedSession("pyrogram-file", session, {"file": str(path)}, path.stem)


def _telethon_file(path: Path) -> ImportedSession:
    row = _one_session_row(path, "Telethon")
    dc_id = _dc(path, row.get("dc_id"))
    session = SessionSnapshot(dc_id=dc_id, dcs={dc_id: DcRecord(auth_key=_key(path, row.get("auth_key")))})
    detail: dict[str, Any] = {"file": str(path)}
    host, port = row.get("server_address"), row.get("port")
    if isinstance(host, str) and isinstance(port, int) and 0 < port < 65536:
        detail["server"] = [host, port]
    return ImportedSession("telethon-file", session, detail, path.stem)


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


def _dc(path: Path, value: Any) -> int:
    dc_id = _int(path, "dc_id", value)
    if not 1 <= dc_id <= 1000:
        raise SessionImportError(f"{path}: DC id {dc_id} is not plausible")
    return dc_id


def _key(path: Path, value: Any) -> bytes:
    if not isinstance(value, bytes) or len(value) != AUTH_KEY_SIZE:
        size = len(value) if isinstance(value, bytes) else type(value).__name__
        raise SessionImportError(f"{path}: the auth key must be {AUTH_KEY_SIZE} bytes, got {size} (not logged in?)")
    return value


def _int(path: Path, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise SessionImportError(f"{path}: {name} must be an integer, got {type(value).__name__}")
    return value


def _opt_int(path: Path, name: str, value: Any) -> int | None:
    return None if value is None else _int(path, name, value)
