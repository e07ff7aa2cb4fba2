"""Replay protection: the last N msg_ids received from the peer.

https://core.telegram.org/mtproto/security_guidelines ("Message ID checks"): keep the msg_ids of the
last N messages received; a msg_id equal to a stored one, or (once N are stored) lower than all of
them, is a replay or too old to tell, and is ignored. The lowest id is evicted when a new one comes.
"""

from __future__ import annotations

import heapq

from tgfleet.mtproto.session.limits import WINDOW

# msgs_state_info status bytes (/mtproto/service_messages_about_messages "Request for Message Status").
STATE_UNKNOWN = 1
STATE_NOT_RECEIVED = 2
STATE_TOO_HIGH = 3
STATE_RECEIVED = 4
FLAG_NO_ACK_NEEDED = 16
FLAG_PROCESSING = 32
FLAG_ANSWERED = 64


class MsgIdWindow:
    """A bounded set of received msg_ids with O(log n) insertion and eviction of the lowest."""

    __slots__ = ("_heap", "_ids", "highest", "size")

    def __init__(self, size: int = WINDOW) -> None:
        if size < 1:
            raise ValueError("the msg_id window needs room for at least one id")
        self.size = size
        self._ids: set[int] = set()
        self._heap: list[int] = []
        self.highest = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def rejects(self, msg_id: int) -> bool:
        """True for a duplicate, or for an id lower than every stored one once the window is full."""
        return msg_id in self._ids or (len(self._ids) >= self.size and msg_id < self._heap[0])

    def too_old(self, msg_id: int) -> bool:
        """The window is full and ``msg_id`` is lower than everything in it (not a mere duplicate)."""
        return len(self._ids) >= self.size and msg_id < self._heap[0] and msg_id not in self._ids

    def add(self, msg_id: int) -> None:
        if msg_id in self._ids:
            return
        self._ids.add(msg_id)
        heapq.heappush(self._heap, msg_id)
        if len(self._heap) > self.size:
            self._ids.discard(heapq.heappop(self._heap))
        if msg_id > self.highest:
            self.highest = msg_id

    def state(self, msg_id: int) -> int:
        """The msgs_state_info status of a peer msg_id: 4 received, 3 too high, 1 forgotten, 2 not received."""
        if msg_id in self._ids:
            return STATE_RECEIVED
        if msg_id > self.highest:
            return STATE_TOO_HIGH
        if len(self._ids) >= self.size and msg_id < self._heap[0]:
            return STATE_UNKNOWN
        return STATE_NOT_RECEIVED
