"""Fifty session files in one process, written at once from threads and from one event loop: never locked."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from tgfleet.storage import PeerRecord, PeerType, SQLiteStorage, UpdateState

from .helpers import key

FILES, ROUNDS = 50, 30


def _step(s: SQLiteStorage, n: int, i: int) -> None:
    s.put_peers([PeerRecord((n + 1) * 1000 + i, PeerType.USER, access_hash=i, username=f"u{n}_{i}")])
    s.set_update_state(UpdateState(pts=i, qts=0, date=i, seq=i))
    s.set_channel_pts(n, i)
    if i % 10 == 0:
        s.set_auth_key(2, key(i % 256))
    assert s.peer_by_username(f"U{n}_{i}") is not None


def test_fifty_storages_written_concurrently_never_lock(tmp_path: Path) -> None:
    paths = [tmp_path / f"account{n}.session" for n in range(FILES)]
    errors: list[BaseException] = []
    start = threading.Barrier(FILES // 2 + 2)
    stop_readers = threading.Event()

    def in_thread(n: int) -> None:
        try:
            with SQLiteStorage(paths[n], owner=f"thread {n}") as s:
                start.wait(timeout=30)
                for i in range(ROUNDS):
                    _step(s, n, i)
        except BaseException as exc:
            errors.append(exc)

    async def in_loop(s: SQLiteStorage, n: int) -> None:
        for i in range(ROUNDS):
            _step(s, n, i)
            await asyncio.sleep(0)  # let the other storages of this loop interleave

    async def loop_main() -> None:
        storages = [SQLiteStorage(paths[n], owner=f"loop {n}") for n in range(FILES // 2, FILES)]
        for s in storages:
            s.open()
        try:
            start.wait(timeout=30)
            await asyncio.gather(*(in_loop(s, FILES // 2 + k) for k, s in enumerate(storages)))
        finally:
            for s in storages:
                s.close()

    def reader() -> None:  # an outside reader of every file (e.g. a dashboard) while they are written
        try:
            start.wait(timeout=30)
            while not stop_readers.is_set():
                for path in paths:
                    if path.exists():
                        with sqlite3.connect(path, timeout=30) as conn:
                            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
                        conn.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=in_thread, args=(n,)) for n in range(FILES // 2)]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    try:
        asyncio.run(loop_main())
    finally:
        for thread in threads[:-1]:
            thread.join(timeout=60)
        stop_readers.set()
        threads[-1].join(timeout=60)
    assert errors == []
    for n, path in enumerate(paths):
        with SQLiteStorage(path) as s:
            assert s.get_update_state() == UpdateState(ROUNDS - 1, 0, ROUNDS - 1, ROUNDS - 1)
            assert s.get_channel_pts(n) == ROUNDS - 1 and s.peer_by_id((n + 1) * 1000 + ROUNDS - 1) is not None
