"""``ChannelPts``: one pts per channel and the pts rule applied to each (https://core.telegram.org/api/updates).

Every supergroup and channel numbers its own updates (``updateNewChannelMessage``, ``updateEditChannelMessage``,
``updateDeleteChannelMessages``, ``updatePinnedChannelMessages``): for an update carrying (pts, pts_count) and the
channel's local pts L, ``L + pts_count == pts`` applies it (L = pts), ``L + pts_count > pts`` is one already
applied, anything else is a gap, which ``updates.getChannelDifference`` fills; ``updateChannelTooLong`` says there
is one. A channel without a local pts yet (just joined, first seen) takes the first update's. Pure: the manager
loads and persists the table (``Storage.get_all_channel_pts`` / ``set_channel_pts``) and asks for the differences.
"""

from __future__ import annotations

import enum
from typing import Any

from tgfleet.tl import types

CHANNEL_UPDATES = (
    types.UpdateNewChannelMessage,
    types.UpdateEditChannelMessage,
    types.UpdateDeleteChannelMessages,
    types.UpdatePinnedChannelMessages,
)


class Verdict(enum.Enum):
    APPLY = "apply"
    DUPLICATE = "duplicate"
    GAP = "gap"


def channel_of(update: Any) -> int | None:
    """The channel id of a channel update (or ``updateChannelTooLong``), None for any other update."""
    if isinstance(
        update, types.UpdateDeleteChannelMessages | types.UpdatePinnedChannelMessages | types.UpdateChannelTooLong
    ):
        return int(update.channel_id)
    if isinstance(update, types.UpdateNewChannelMessage | types.UpdateEditChannelMessage):
        peer = getattr(update.message, "peer_id", None)
        return int(peer.channel_id) if isinstance(peer, types.PeerChannel) else None
    return None


class ChannelPts:
    """The local pts of each channel seen; ``changed`` holds those to persist."""

    def __init__(self, known: dict[int, int]) -> None:
        self._pts = dict(known)
        self.changed: dict[int, int] = {}

    def get(self, channel_id: int) -> int | None:
        return self._pts.get(channel_id)

    def channels(self) -> list[int]:
        return list(self._pts)

    def set(self, channel_id: int, pts: int) -> None:
        self._pts[channel_id] = pts
        self.changed[channel_id] = pts

    def check(self, channel_id: int, update: Any) -> Verdict:
        """The pts rule for ``update`` of ``channel_id`` (applying it moves the local pts)."""
        if isinstance(update, types.UpdateChannelTooLong):
            return Verdict.GAP
        if channel_id not in self._pts:
            self.set(channel_id, update.pts)
            return Verdict.APPLY
        return self.advance(channel_id, update.pts, update.pts_count)

    def advance(self, channel_id: int, pts: int, count: int) -> Verdict:
        """The pts rule for a change of (``pts``, ``count``) in a channel with a local pts (one without stays
        so: a call's answer is no reason to start following a channel)."""
        local = self._pts.get(channel_id)
        if local is None:
            return Verdict.DUPLICATE
        if local + count == pts:
            self.set(channel_id, pts)
            return Verdict.APPLY
        return Verdict.DUPLICATE if local + count > pts else Verdict.GAP
