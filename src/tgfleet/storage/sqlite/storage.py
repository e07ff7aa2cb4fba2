"""``SQLiteStorage``: a session in one SQLite file (WAL), locked to one client, secrets optionally encrypted.

A Pyrogram or Telethon ``.session`` file at its path is converted to this format when opened, the original kept
beside it (``convert.py``); a file of any other format is refused, naming what it is.

Files: ``<path>`` (the database), ``<path>-wal`` / ``<path>-shm`` (SQLite's journal, present while open) and
``<path>.lock`` (the session lock, see ``lock``). One connection per storage, used under the storage's own
mutex: the storage may be called from any thread, but it belongs to one client.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from tgfleet.storage.base import DONE, USERNAME_TTL, Done, Storage
from tgfleet.storage.cipher import SecretBox, check_key_argument
from tgfleet.storage.errors import StorageClosedError
from tgfleet.storage.lock import SessionLock
from tgfleet.storage.records import (
    DcOption,
    PeerRecord,
    UpdateState,
    check_auth_key,
    check_dc_id,
    check_int,
    check_peer,
    check_update_state,
    merge_peer,
    normalize_phone,
    username_key,
)
from tgfleet.storage.sqlite.conn import connect, guard, translate
from tgfleet.storage.sqlite.convert import convert_foreign
from tgfleet.storage.sqlite.dcs import load_dc_options, store_dc_options
from tgfleet.storage.sqlite.encryption import open_secret_box
from tgfleet.storage.sqlite.keys import load_auth_key, load_auth_keys, store_auth_key
from tgfleet.storage.sqlite.peers import load_peer, store_peer
from tgfleet.storage.sqlite.schema import DATA_TABLES, meta_get, meta_set, migrate


class SQLiteStorage(Storage):
    """A session stored in the SQLite file ``path`` (created when missing).

    ``encryption_key``: None (secrets stored as is), 32 ``bytes``, or a passphrase ``str`` (scrypt). Auth keys
    and DC secrets are then sealed with AES-256-GCM; opening with a wrong or missing key raises
    StorageKeyError; a plain file opened with a key is encrypted on open. ``owner`` labels the session lock
    (e.g. ``"tgfleet Client 'alice'"``) so a second opener learns who holds it (SessionLockedError).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        encryption_key: bytes | str | None = None,
        owner: str = "",
        clock: Callable[[], float] = time.time,
        username_ttl: float = USERNAME_TTL,
    ) -> None:
        super().__init__(clock=clock, username_ttl=username_ttl)
        check_key_argument(encryption_key)
        self._path = os.fspath(path)
        self._key = encryption_key
        self._session_lock = SessionLock(self._path, owner=owner)
        self._conn: sqlite3.Connection | None = None
        self._box: SecretBox | None = None
        self._mutex = threading.RLock()
        self._depth = 0

    @property
    def path(self) -> str:
        return self._path

    @property
    def encrypted(self) -> bool:
        """Whether secrets are stored encrypted (known once open)."""
        return self._box is not None

    # --- lifecycle ------------------------------------------------------------------------------------------
    def open(self) -> Done:
        """Lock the session, open the file, migrate its schema and check the encryption key."""
        with self._mutex:
            if self._conn is not None:
                return DONE
            self._session_lock.acquire()
            conn = None
            try:
                convert_foreign(self._path, self._staging)
                conn = connect(self._path)
                with guard(self._path):
                    migrate(conn, self._path)
                    self._box = open_secret_box(conn, self._key, self._path)
            except BaseException:
                if conn is not None:
                    conn.close()
                self._session_lock.release()
                raise
            self._conn = conn
        return DONE

    def _staging(self, path: str) -> SQLiteStorage:
        """A plain storage for a foreign file's conversion (``convert.py``); encrypted when this one opens it."""
        return SQLiteStorage(path, owner="tgfleet session conversion", clock=self.clock)

    def close(self) -> Done:
        with self._mutex:
            conn, self._conn = self._conn, None
            try:
                if conn is not None:
                    conn.close()
            finally:
                self._session_lock.release()
        return DONE

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def save(self) -> Done:
        with self._read() as conn:
            if not self._depth:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return DONE

    def delete(self) -> Done:
        with self._write() as conn:
            kept = {name: meta_get(conn, name) for name in ("encryption", "key_check")}
            for table in DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")
            for name, value in kept.items():
                meta_set(conn, name, value)
        with self._read() as conn:
            if not self._depth:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no copy of the old keys left in the WAL
        return DONE

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction (or a part of the enclosing one); rolled back when the block raises."""
        with self._mutex:
            conn = self._live()
            if self._depth:
                self._depth += 1
                try:
                    yield conn
                finally:
                    self._depth -= 1
                return
            with guard(self._path):
                conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise translate(exc, self._path) from exc
                raise
            finally:
                self._depth = 0

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._mutex, guard(self._path):
            yield self._live()

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageClosedError(f"{self._path} is not open; call open() first", path=self._path)
        return self._conn

    def _get(self, key: str) -> object:
        with self._read() as conn:
            return meta_get(conn, key)

    def _set(self, **values: object) -> None:
        with self._write() as conn:
            for key, value in values.items():
                meta_set(conn, key, value)

    # --- account ----------------------------------------------------------------------------------------------
    def get_dc_id(self) -> int | None:
        return _opt_int(self._get("dc_id"))

    def set_dc_id(self, dc_id: int) -> None:
        self._set(dc_id=check_dc_id(dc_id))

    def get_test_mode(self) -> bool:
        return bool(self._get("test_mode"))

    def set_test_mode(self, test_mode: bool) -> None:
        self._set(test_mode=int(bool(test_mode)))

    def get_api_id(self) -> int | None:
        return _opt_int(self._get("api_id"))

    def set_api_id(self, api_id: int) -> None:
        self._set(api_id=check_int("api_id", api_id))

    def get_user_id(self) -> int | None:
        return _opt_int(self._get("user_id"))

    def get_is_bot(self) -> bool | None:
        value = self._get("is_bot")
        return None if value is None else bool(value)

    def set_user(self, user_id: int, is_bot: bool) -> None:
        self._set(user_id=check_int("user_id", user_id), is_bot=int(bool(is_bot)))

    def get_converted_from(self) -> str | None:
        """The format this file was converted from (``pyrogram``, ``telethon``; ``convert.py``), or None."""
        value = self._get("converted_from")
        return value if isinstance(value, str) else None

    def set_converted_from(self, kind: str) -> None:
        self._set(converted_from=kind)

    def get_login_unverified(self) -> bool:
        return self.get_converted_from() is not None and self.get_user_id() is None

    # --- auth keys ------------------------------------------------------------------------------------------
    def get_auth_key(self, dc_id: int) -> bytes | None:
        with self._read() as conn:
            return load_auth_key(conn, self._box, self._path, dc_id)

    def set_auth_key(self, dc_id: int, key: bytes | None) -> None:
        check_dc_id(dc_id)
        new = None if key is None else check_auth_key(dc_id, key)
        with self._write() as conn:
            store_auth_key(conn, self._box, self._path, dc_id, new)

    def get_auth_keys(self) -> dict[int, bytes]:
        with self._read() as conn:
            return load_auth_keys(conn, self._box, self._path)

    def get_server_salt(self, dc_id: int) -> int | None:
        with self._read() as conn:
            row = conn.execute("SELECT server_salt FROM dcs WHERE dc_id = ?", (dc_id,)).fetchone()
        return None if row is None else _opt_int(row[0])

    def set_server_salt(self, dc_id: int, salt: int) -> None:
        self._set_dc_column(dc_id, "server_salt", check_int("server salt", salt))

    def get_time_offset(self, dc_id: int) -> float:
        with self._read() as conn:
            row = conn.execute("SELECT time_offset FROM dcs WHERE dc_id = ?", (dc_id,)).fetchone()
        return 0.0 if row is None else float(row[0])

    def set_time_offset(self, dc_id: int, offset: float) -> None:
        self._set_dc_column(dc_id, "time_offset", float(offset))

    def _set_dc_column(self, dc_id: int, column: str, value: object) -> None:
        check_dc_id(dc_id)
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO dcs (dc_id, {column}) VALUES (?, ?)"
                f" ON CONFLICT (dc_id) DO UPDATE SET {column} = excluded.{column}",
                (dc_id, value),
            )

    # --- DC list ----------------------------------------------------------------------------------------------
    def set_dc_options(self, options: Sequence[DcOption], *, fetched_at: float | None = None) -> None:
        with self._write() as conn:
            store_dc_options(conn, options, self._box)
            meta_set(conn, "dc_options_fetched_at", self.clock() if fetched_at is None else float(fetched_at))

    def get_dc_options(self) -> list[DcOption]:
        with self._read() as conn:
            return load_dc_options(conn, self._box, self._path)

    def get_dc_options_fetched_at(self) -> float | None:
        value = self._get("dc_options_fetched_at")
        return None if value is None else float(value)  # type: ignore[arg-type]

    # --- peers ------------------------------------------------------------------------------------------------
    def put_peers(self, peers: Iterable[PeerRecord]) -> None:
        checked = [check_peer(peer) for peer in peers]
        with self._write() as conn:
            now = self.clock()
            for peer in checked:
                store_peer(conn, merge_peer(load_peer(conn, "id", peer.id), peer, now))

    def peer_by_id(self, peer_id: int) -> PeerRecord | None:
        with self._read() as conn:
            return load_peer(conn, "id", peer_id)

    def peer_by_username(self, username: str, *, ignore_expiry: bool = False) -> PeerRecord | None:
        with self._read() as conn:
            peer = load_peer(conn, "username_key", username_key(username))
        return peer if peer is not None and self._username_fresh(peer, ignore_expiry) else None

    def peer_by_phone(self, phone: str) -> PeerRecord | None:
        key = normalize_phone(phone)
        if key is None:
            return None
        with self._read() as conn:
            return load_peer(conn, "phone", key)

    # --- update state -----------------------------------------------------------------------------------------
    def get_update_state(self) -> UpdateState | None:
        with self._read() as conn:
            row = conn.execute("SELECT pts, qts, date, seq FROM update_state WHERE id = 1").fetchone()
        return None if row is None else UpdateState(*row)

    def set_update_state(self, state: UpdateState) -> None:
        s = check_update_state(state)
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO update_state VALUES (1, ?, ?, ?, ?)", (s.pts, s.qts, s.date, s.seq))

    def get_channel_pts(self, channel_id: int) -> int | None:
        with self._read() as conn:
            row = conn.execute("SELECT pts FROM channel_pts WHERE channel_id = ?", (channel_id,)).fetchone()
        return None if row is None else int(row[0])

    def set_channel_pts(self, channel_id: int, pts: int | None) -> None:
        check_int("channel_id", channel_id)
        with self._write() as conn:
            if pts is None:
                conn.execute("DELETE FROM channel_pts WHERE channel_id = ?", (channel_id,))
            else:
                check_int("pts", pts, -(2**31), 2**31 - 1)
                conn.execute("INSERT OR REPLACE INTO channel_pts VALUES (?, ?)", (channel_id, pts))

    def get_all_channel_pts(self) -> dict[int, int]:
        with self._read() as conn:
            return {cid: pts for cid, pts in conn.execute("SELECT channel_id, pts FROM channel_pts ORDER BY 1")}


def _opt_int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]
