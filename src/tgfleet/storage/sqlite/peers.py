"""Peer rows of a session file: read one peer, write one merged peer (keeping usernames and phones unique)."""

from __future__ import annotations

import sqlite3

from tgfleet.storage.records import PeerRecord, PeerType, username_key

_COLUMNS = "id, type, access_hash, username, phone, is_min, updated_at, resolved_at"


def load_peer(conn: sqlite3.Connection, column: str, value: object) -> PeerRecord | None:
    """The peer whose ``column`` (``id``, ``username_key`` or ``phone``) equals ``value``."""
    assert column in ("id", "username_key", "phone")
    row = conn.execute(f"SELECT {_COLUMNS} FROM peers WHERE {column} = ?", (value,)).fetchone()
    if row is None:
        return None
    peer_id, kind, access_hash, username, phone, is_min, updated_at, resolved_at = row
    return PeerRecord(
        id=peer_id,
        type=PeerType(kind),
        access_hash=access_hash,
        username=username,
        phone=phone,
        is_min=bool(is_min),
        updated_at=float(updated_at),
        resolved_at=None if resolved_at is None else float(resolved_at),
    )


def store_peer(conn: sqlite3.Connection, peer: PeerRecord) -> None:
    """Write ``peer`` (already merged), taking its username and phone away from any other peer."""
    key = None if peer.username is None else username_key(peer.username)
    if key is not None:
        conn.execute(
            "UPDATE peers SET username = NULL, username_key = NULL, resolved_at = NULL"
            " WHERE username_key = ? AND id <> ?",
            (key, peer.id),
        )
    if peer.phone is not None:
        conn.execute("UPDATE peers SET phone = NULL WHERE phone = ? AND id <> ?", (peer.phone, peer.id))
    conn.execute(
        f"INSERT OR REPLACE INTO peers ({_COLUMNS}, username_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            peer.id,
            peer.type.value,
            peer.access_hash,
            peer.username,
            peer.phone,
            int(peer.is_min),
            peer.updated_at,
            peer.resolved_at,
            key,
        ),
    )
