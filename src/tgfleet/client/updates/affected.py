"""``Affected``: the pts a call's answer moves without carrying an update (https://core.telegram.org/api/updates).

``messages.affectedMessages`` (messages.deleteMessages, readHistory, readMessageContents, channels.deleteMessages),
``messages.affectedHistory`` (messages.deleteHistory, readMentions, unpinAllMessages, channels.deleteParticipantHistory,
...) and ``messages.affectedFoundMessages`` hold the ``pts`` / ``pts_count`` of the change the call made; the
client applies them as an update's pts, else its own change looks like a gap, and the difference that fills it
replays the change to its own handlers. Which sequence they belong to the answer does not say; the call does: one
aimed at a channel (its ``channel``, or a channel ``peer``) moves that channel's pts, any other the common one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgfleet.tl import TLFunction, innermost, types

ANSWERS = (types.messages.AffectedMessages, types.messages.AffectedHistory, types.messages.AffectedFoundMessages)
_CHANNELS = (
    types.InputChannel, types.InputChannelFromMessage, types.InputPeerChannel, types.InputPeerChannelFromMessage,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Affected:
    """``pts`` / ``pts_count`` of one call's change, in ``channel_id``'s sequence (None: the common one)."""

    pts: int
    pts_count: int
    channel_id: int | None


def affected(result: Any, query: TLFunction[Any] | None) -> Affected | None:
    """The change ``result`` (the answer to ``query``) reports, or None for any other answer."""
    if not isinstance(result, ANSWERS):
        return None
    return Affected(result.pts, result.pts_count, _channel_of(query))


def _channel_of(query: TLFunction[Any] | None) -> int | None:
    """The channel a call is aimed at (inside any invokeWith... wrappers), None if none."""
    if query is None:
        return None
    inner = innermost(query)
    for name in ("channel", "peer"):
        target = getattr(inner, name, None)
        if isinstance(target, _CHANNELS):
            return int(target.channel_id)
    return None
