"""``PeerCache``: the users and chats of every answer and update, with their access hashes, written to the
session storage, so later calls can address them without a lookup (``resolver.py`` reads them back).

Most answers repeat the same users, and a storage write per call would cost more than the call, so a peer
seen again unchanged within ``PEER_REFRESH`` seconds is not written again. After that it is, which renews
its username's freshness (the storage trusts a resolved username for ``USERNAME_TTL``, longer than this).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tgfleet.client.peers import peer_records
from tgfleet.storage import PeerRecord, Storage

PEER_REFRESH = 3600.0
"""Seconds after which a peer seen unchanged is written again (refreshing its username's freshness)."""
MAX_REMEMBERED = 10_000
"""Peers whose last write is remembered; past this the memory starts over (a few writes more, no more)."""


class PeerCache:
    """``remember(result)`` writes the peers of ``result`` (an answer, an ``Updates``, a batch) that are new,
    changed, or last written more than ``PEER_REFRESH`` seconds ago (by ``clock``, unix seconds)."""

    __slots__ = ("_written", "clock", "storage")

    def __init__(self, storage: Storage, *, clock: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.clock = clock
        self._written: dict[int, tuple[PeerRecord, float]] = {}

    def remember(self, result: Any) -> None:
        if not self.storage.is_open:
            return
        now = self.clock()
        fresh = []
        for record in peer_records(result):
            seen = self._written.get(record.id)
            if seen is None or seen[0] != record or now - seen[1] > PEER_REFRESH:
                fresh.append(record)
                self._written[record.id] = (record, now)
        if fresh:
            if len(self._written) > MAX_REMEMBERED:
                self._written.clear()
            self.storage.put_peers(fresh)
