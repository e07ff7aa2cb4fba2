"""The encryption setup of a session file: check the caller's key on open, or encrypt a plain file's secrets.

Meta ``encryption`` holds the KdfParams (JSON) and ``key_check`` a sealed known plaintext. Opening an
encrypted file without a key, or with a wrong one, raises StorageKeyError. Opening a plain file *with* a key
encrypts its secrets at once, in one transaction (the key expresses the intent; there is no way back to a
plain file except exporting the session and starting a new one).
"""

from __future__ import annotations

import sqlite3

from tgfleet.storage.cipher import KdfParams, SecretBox, aad_auth_key, aad_dc_secret
from tgfleet.storage.errors import StorageCorruptError, StorageKeyError
from tgfleet.storage.sqlite.schema import meta_get, meta_set


def open_secret_box(conn: sqlite3.Connection, key: bytes | str | None, path: str) -> SecretBox | None:
    """The SecretBox for the file's secrets (None for a plain file opened without a key)."""
    params_text = meta_get(conn, "encryption")
    if params_text is None:
        if key is None:
            return None
        box = SecretBox(key, KdfParams.new_for(key), where=path)
        _encrypt_existing(conn, box)
        return box
    if key is None:
        raise StorageKeyError(
            f"{path} is encrypted: pass encryption_key (the key or passphrase it was created with)", path=path
        )
    try:
        params = KdfParams.from_json(str(params_text))
    except (ValueError, KeyError, TypeError) as exc:
        raise StorageCorruptError(f"{path}: the encryption parameters are damaged ({exc})", path=path) from exc
    box = SecretBox(key, params, where=path)
    check = meta_get(conn, "key_check")
    if not isinstance(check, bytes) or not box.verify_key_check(check):
        raise StorageKeyError(f"wrong encryption key for {path} (the data is intact; use the right key)", path=path)
    return box


def _encrypt_existing(conn: sqlite3.Connection, box: SecretBox) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for dc_id, blob in conn.execute("SELECT dc_id, auth_key FROM dcs WHERE auth_key IS NOT NULL").fetchall():
            sealed = box.seal(bytes(blob), aad_auth_key(dc_id))
            conn.execute("UPDATE dcs SET auth_key = ? WHERE dc_id = ?", (sealed, dc_id))
        rows = conn.execute("SELECT position, dc_id, ip_address, port, secret FROM dc_options WHERE secret IS NOT NULL")
        for position, dc_id, ip_address, port, secret in rows.fetchall():
            sealed = box.seal(bytes(secret), aad_dc_secret(dc_id, ip_address, port))
            conn.execute("UPDATE dc_options SET secret = ? WHERE position = ?", (sealed, position))
        meta_set(conn, "encryption", box.params.to_json())
        meta_set(conn, "key_check", box.make_key_check())
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no plaintext copy of the keys left in the WAL
