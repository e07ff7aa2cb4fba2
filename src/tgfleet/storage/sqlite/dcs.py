"""DC option rows of a session file (the help.getConfig list), secrets sealed when the file is encrypted."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tgfleet.storage.cipher import SecretBox, aad_dc_secret
from tgfleet.storage.errors import StorageCorruptError
from tgfleet.storage.records import DcOption, check_dc_option, dc_flags_kwargs


def store_dc_options(conn: sqlite3.Connection, options: Sequence[DcOption], box: SecretBox | None) -> None:
    """Replace the stored list with ``options`` (order kept)."""
    checked = [check_dc_option(option) for option in options]
    conn.execute("DELETE FROM dc_options")
    for position, option in enumerate(checked):
        secret = option.secret
        if secret is not None and box is not None:
            secret = box.seal(secret, aad_dc_secret(option.dc_id, option.ip_address, option.port))
        conn.execute(
            "INSERT INTO dc_options (position, dc_id, ip_address, port, flags, secret) VALUES (?, ?, ?, ?, ?, ?)",
            (position, option.dc_id, option.ip_address, option.port, option.flags, secret),
        )


def load_dc_options(conn: sqlite3.Connection, box: SecretBox | None, path: str) -> list[DcOption]:
    """The stored list; StorageCorruptError when a sealed secret does not authenticate."""
    rows = conn.execute("SELECT dc_id, ip_address, port, flags, secret FROM dc_options ORDER BY position")
    options = []
    for dc_id, ip_address, port, flags, blob in rows.fetchall():
        secret = None if blob is None else bytes(blob)
        if secret is not None and box is not None:
            secret = box.unseal(secret, aad_dc_secret(dc_id, ip_address, port))
            if secret is None:
                raise StorageCorruptError(
                    f"{path}: the secret of DC {dc_id} ({ip_address}:{port}) does not authenticate", path=path
                )
        options.append(DcOption(dc_id, ip_address, port, secret=secret, **dc_flags_kwargs(flags)))
    return options
