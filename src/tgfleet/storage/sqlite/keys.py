"""Auth key rows of a session file (``dcs``), sealed with the row's DC id when the file is encrypted."""

from __future__ import annotations

import sqlite3

from tgfleet.storage.cipher import SecretBox, aad_auth_key
from tgfleet.storage.errors import StorageCorruptError
from tgfleet.storage.records import AUTH_KEY_SIZE


def load_auth_key(conn: sqlite3.Connection, box: SecretBox | None, path: str, dc_id: int) -> bytes | None:
    """The DC's auth key, or None; StorageCorruptError when a stored key does not authenticate."""
    row = conn.execute("SELECT auth_key FROM dcs WHERE dc_id = ?", (dc_id,)).fetchone()
    return None if row is None or row[0] is None else _unseal(box, path, dc_id, bytes(row[0]))


def load_auth_keys(conn: sqlite3.Connection, box: SecretBox | None, path: str) -> dict[int, bytes]:
    rows = conn.execute("SELECT dc_id, auth_key FROM dcs WHERE auth_key IS NOT NULL ORDER BY dc_id").fetchall()
    return {dc_id: _unseal(box, path, dc_id, bytes(blob)) for dc_id, blob in rows}


def store_auth_key(conn: sqlite3.Connection, box: SecretBox | None, path: str, dc_id: int, key: bytes | None) -> None:
    """Store (None: forget) the DC's auth key; a different key forgets the DC's server salt."""
    row = conn.execute("SELECT auth_key FROM dcs WHERE dc_id = ?", (dc_id,)).fetchone()
    if row is not None and row[0] is not None and key is not None:
        try:
            if _unseal(box, path, dc_id, bytes(row[0])) == key:
                return
        except StorageCorruptError:
            pass  # a damaged row is simply replaced
    blob = key if key is None or box is None else box.seal(key, aad_auth_key(dc_id))
    conn.execute(
        "INSERT INTO dcs (dc_id, auth_key) VALUES (?, ?)"
        " ON CONFLICT (dc_id) DO UPDATE SET auth_key = excluded.auth_key, server_salt = NULL",
        (dc_id, blob),
    )


def _unseal(box: SecretBox | None, path: str, dc_id: int, blob: bytes) -> bytes:
    key = blob if box is None else box.unseal(blob, aad_auth_key(dc_id))
    if key is None or len(key) != AUTH_KEY_SIZE:
        raise StorageCorruptError(
            f"{path}: the auth key of DC {dc_id} does not authenticate (the row was tampered with or moved from"
            " another DC)",
            path=path,
        )
    return key
