"""Pyrogram's and Telethon's ``.session`` files: which format a file is, and what a foreign one holds.

Both are SQLite databases, read here read-only with the standard library. Pyrogram (and Kurigram) keep one
``sessions`` row (dc_id, api_id in newer files, test_mode, auth_key, user_id, is_bot) and a ``peers`` table (id,
access_hash, type, phone_number; usernames in a ``usernames`` table or, in older files, a ``username`` column).
Telethon keeps one ``sessions`` row (dc_id, server_address, port, auth_key), no user id, and an ``entities`` table
(id, hash, username, phone). Ids are the marked ids tgfleet uses too (users > 0, groups < 0, channels -100...).
Every value is checked; what cannot be a session raises ``StorageCorruptError`` naming what the file is.
``tgfleet.fleet.importers`` and ``SQLiteStorage`` (which converts such a file into its own format) both read them
here.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tgfleet.storage.errors import StorageCorruptError, StorageError
from tgfleet.storage.records import AUTH_KEY_SIZE, PeerRecord, PeerType

CHANNEL_OFFSET = 1_000_000_000_000
"""A channel's marked id is ``-(CHANNEL_OFFSET + channel_id)``."""
MAX_PEERS = 200_000
"""At most this many peers are taken from a foreign file (the rest are learnt again as the account sees them)."""
TGFLEET, PYROGRAM, TELETHON, EMPTY = "tgfleet", "pyrogram", "telethon", "empty"
_PYROGRAM_TYPES = {"user": PeerType.USER, "bot": PeerType.BOT, "group": PeerType.GROUP,
                   "supergroup": PeerType.SUPERGROUP, "channel": PeerType.CHANNEL, "forum": PeerType.SUPERGROUP,
                   "direct": PeerType.CHANNEL, "community": PeerType.SUPERGROUP}  # fmt: skip


@dataclass(frozen=True)
class ForeignSession:
    """The login a Pyrogram or Telethon file holds (``format``: ``pyrogram`` / ``telethon``), with its peers.
    ``server``: the (host, port) Telethon stored for the home DC; None for Pyrogram."""

    format: str
    dc_id: int
    auth_key: bytes
    test_mode: bool = False
    api_id: int | None = None
    user_id: int | None = None
    is_bot: bool | None = None
    server: tuple[str, int] | None = None
    peers: tuple[PeerRecord, ...] = ()


def file_format(path: str | os.PathLike[str]) -> str:
    """``tgfleet``, ``pyrogram``, ``telethon``, or ``empty`` (no file, an empty file or a database without
    tables); anything else raises StorageCorruptError saying what the file is."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return EMPTY
    _, tables = _rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'", limit=1000)
    names = {str(row[0]) for row in tables}
    if "schema_version" in names:
        return TGFLEET
    if "sessions" in names and "entities" in names:
        return TELETHON
    if "sessions" in names and "peers" in names:
        return PYROGRAM
    if not names:
        return EMPTY
    listed = ", ".join(sorted(names))
    raise StorageCorruptError(
        f"{path} is an SQLite database of another program, not a tgfleet session (tables: {listed}); tgfleet also"
        " reads Pyrogram's and Telethon's session files",
        path=str(path),
    )


def read_foreign(path: str | os.PathLike[str]) -> ForeignSession:
    """The login and peers of the Pyrogram or Telethon file at ``path`` (StorageCorruptError otherwise)."""
    kind = file_format(path)
    if kind not in (PYROGRAM, TELETHON):
        raise StorageCorruptError(f"{path} is a {kind} session file, not a Pyrogram or Telethon one", path=str(path))
    columns, rows = _rows(path, "SELECT * FROM sessions", limit=2)
    if len(rows) != 1:
        raise StorageCorruptError(f"{path}: a {kind} session file has one sessions row, this one has {len(rows)}")
    row = dict(zip(columns, rows[0], strict=True))
    dc_id = _int(path, "dc_id", row.get("dc_id"))
    if not 1 <= dc_id <= 1000:
        raise StorageCorruptError(f"{path}: DC id {dc_id} is not plausible", path=str(path))
    key = row.get("auth_key")
    if not isinstance(key, bytes) or len(key) != AUTH_KEY_SIZE:
        size = len(key) if isinstance(key, bytes) else type(key).__name__
        raise StorageCorruptError(f"{path}: the auth key must be {AUTH_KEY_SIZE} bytes, got {size} (not logged in?)")
    if kind == TELETHON:
        host, port = row.get("server_address"), row.get("port")
        server = (host, port) if isinstance(host, str) and isinstance(port, int) and 0 < port < 65536 else None
        return ForeignSession(kind, dc_id, key, server=server, peers=_telethon_peers(path))
    return ForeignSession(
        kind, dc_id, key, test_mode=bool(_int(path, "test_mode", row.get("test_mode") or 0)),
        api_id=_opt_int(path, "api_id", row.get("api_id")), user_id=_opt_int(path, "user_id", row.get("user_id")),
        is_bot=None if row.get("is_bot") is None else bool(row["is_bot"]), peers=_pyrogram_peers(path),
    )  # fmt: skip


def _pyrogram_peers(path: str | os.PathLike[str]) -> tuple[PeerRecord, ...]:
    columns, _ = _rows(path, "SELECT * FROM peers", limit=0)
    username = "username" if "username" in columns else "NULL"
    if "username" not in columns and _has_table(path, "usernames"):
        username = "(SELECT u.username FROM usernames u WHERE u.id = peers.id LIMIT 1)"
    _, rows = _rows(path, f"SELECT id, access_hash, type, {username}, phone_number FROM peers", limit=MAX_PEERS)
    out = []
    for peer_id, access_hash, kind, name, phone in rows:
        peer_type = _PYROGRAM_TYPES.get(str(kind))
        if peer_type is not None and _is_int(peer_id) and peer_id != 0:
            out.append(PeerRecord(peer_id, peer_type, access_hash if _is_int(access_hash) else None,
                                  _text(name), _text(phone)))  # fmt: skip
    return tuple(out)


def _telethon_peers(path: str | os.PathLike[str]) -> tuple[PeerRecord, ...]:
    _, rows = _rows(path, "SELECT id, hash, username, phone FROM entities", limit=MAX_PEERS)
    out = []
    for peer_id, access_hash, name, phone in rows:
        if not _is_int(peer_id) or peer_id == 0 or not _is_int(access_hash):
            continue
        kind = PeerType.USER if peer_id > 0 else PeerType.CHANNEL if peer_id < -CHANNEL_OFFSET else PeerType.GROUP
        out.append(PeerRecord(peer_id, kind, None if kind is PeerType.GROUP else access_hash, _text(name),
                              _text(phone)))  # fmt: skip
    return tuple(out)


def _has_table(path: str | os.PathLike[str], name: str) -> bool:
    _, rows = _rows(path, f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{name}'", limit=1)
    return bool(rows)


def _rows(path: str | os.PathLike[str], sql: str, *, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and at most ``limit`` rows of a read-only query."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}", path=str(path)) from None
    try:
        cursor = conn.execute(sql)
        return [c[0] for c in cursor.description or ()], cursor.fetchmany(limit) if limit else []
    except sqlite3.Error as exc:
        raise StorageCorruptError(f"{path}: not a readable session file ({exc})", path=str(path)) from None
    finally:
        conn.close()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _int(path: str | os.PathLike[str], name: str, value: Any) -> int:
    if not _is_int(value):
        raise StorageCorruptError(f"{path}: {name} must be an integer, got {type(value).__name__}", path=str(path))
    return int(value)


def _opt_int(path: str | os.PathLike[str], name: str, value: Any) -> int | None:
    return None if value is None else _int(path, name, value)
