"""The common update sequences (pts and seq) as a pure state machine (https://core.telegram.org/api/updates).

pts rule, for an update carrying (pts, pts_count) and local state L: ``L + pts_count == pts`` -> apply and
set L = pts; ``L + pts_count > pts`` -> already applied, ignore; otherwise a gap. seq rule for ``updates``
/ ``updatesCombined``: ``seq_start == 0`` -> apply; ``local_seq + 1 == seq_start`` -> apply, then store
seq (if non-zero) and date; ``local_seq + 1 > seq_start`` -> duplicate; otherwise a gap.

:meth:`Sequencer.feed` takes any ``Updates`` object (or a call's own change, ``affected.py``: it moves the
pts of its sequence and applies nothing) and returns what can be applied now, in order, and
whether a gap (or updatesTooLong) requires ``updates.getDifference``. Updates that arrive ahead of a gap
are held (not applied) until the difference fills it. Channel updates follow their channel's own pts
(``channel_pts.py``): one past a gap in its channel is left out and the channel is named in ``channel_gaps``, for
``updates.getChannelDifference``, which brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgfleet.client.updates.affected import Affected
from tgfleet.client.updates.channel_pts import ChannelPts, Verdict, channel_of
from tgfleet.storage import UpdateState
from tgfleet.tl import types


@dataclass
class Batch:
    """What ``feed`` produced: ``updates`` to apply in order, with the ``users``/``chats`` they mention."""

    updates: list[Any] = field(default_factory=list)
    users: list[Any] = field(default_factory=list)
    chats: list[Any] = field(default_factory=list)
    gap: bool = False
    channel_gaps: set[int] = field(default_factory=set)


def short_to_update(obj: Any, self_id: int) -> Any:
    """``updateShortMessage`` / ``updateShortChatMessage`` as the ``updateNewMessage`` they abbreviate."""
    common = {
        "out": obj.out, "mentioned": obj.mentioned, "media_unread": obj.media_unread, "silent": obj.silent,
        "id": obj.id, "message": obj.message, "date": obj.date, "fwd_from": obj.fwd_from,
        "via_bot_id": obj.via_bot_id, "reply_to": obj.reply_to, "entities": obj.entities,
        "ttl_period": obj.ttl_period,
    }  # fmt: skip
    if isinstance(obj, types.UpdateShortMessage):
        sender = self_id if obj.out else obj.user_id
        message = types.Message(peer_id=types.PeerUser(user_id=obj.user_id),
                                from_id=types.PeerUser(user_id=sender), **common)  # fmt: skip
    else:
        message = types.Message(peer_id=types.PeerChat(chat_id=obj.chat_id),
                                from_id=types.PeerUser(user_id=obj.from_id), **common)  # fmt: skip
    return types.UpdateNewMessage(message=message, pts=obj.pts, pts_count=obj.pts_count)


class Sequencer:
    """Local pts/seq state and the rules above. ``state`` None: not initialized (call updates.getState)."""

    def __init__(self, state: UpdateState | None, self_id: int, channels: ChannelPts | None = None) -> None:
        self.state = state
        self.self_id = self_id
        self.channels = ChannelPts({}) if channels is None else channels

    def feed(self, obj: Any) -> Batch:
        batch = Batch()
        if self.state is None:
            batch.gap = True  # nothing to compare with: initialize through getState / getDifference
            return batch
        if isinstance(obj, types.UpdatesTooLong):
            batch.gap = True
        elif isinstance(obj, types.UpdateShortMessage | types.UpdateShortChatMessage):
            self._pts(short_to_update(obj, self.self_id), batch)
        elif isinstance(obj, types.UpdateShortSentMessage):
            self._advance(obj.pts, obj.pts_count, batch)
        elif isinstance(obj, Affected):
            self._affected(obj, batch)
        elif isinstance(obj, types.UpdateShort):
            self._pts(obj.update, batch)
        elif isinstance(obj, types.Updates | types.UpdatesCombined):
            self._seq(obj, batch)
        return batch

    def _seq(self, obj: Any, batch: Batch) -> None:
        assert self.state is not None
        start = obj.seq_start if isinstance(obj, types.UpdatesCombined) else obj.seq
        if start != 0 and self.state.seq + 1 > start:
            return  # a duplicate container
        if start != 0 and self.state.seq + 1 < start:
            batch.gap = True
            return
        batch.users.extend(obj.users)
        batch.chats.extend(obj.chats)
        for update in sorted(obj.updates, key=lambda u: getattr(u, "pts", 0) or 0):
            self._pts(update, batch)
            if batch.gap:
                return
        if obj.seq:
            self.state = UpdateState(self.state.pts, self.state.qts, obj.date, obj.seq)

    def _affected(self, change: Affected, batch: Batch) -> None:
        """A call's own change: its sequence moves, nothing is applied (the caller has the answer)."""
        if change.channel_id is None:
            self._advance(change.pts, change.pts_count, batch)
        elif self.channels.advance(change.channel_id, change.pts, change.pts_count) is Verdict.GAP:
            batch.channel_gaps.add(change.channel_id)

    def _pts(self, update: Any, batch: Batch) -> None:
        if (channel_id := channel_of(update)) is not None:
            verdict = self.channels.check(channel_id, update)
            if verdict is Verdict.APPLY:
                batch.updates.append(update)
            elif verdict is Verdict.GAP:
                batch.channel_gaps.add(channel_id)
            return
        pts, count = getattr(update, "pts", None), getattr(update, "pts_count", None)
        if pts is None or count is None:
            batch.updates.append(update)  # no sequence (updateUserStatus, ...)
            return
        if self._advance(pts, count, batch):
            batch.updates.append(update)

    def _advance(self, pts: int, count: int, batch: Batch) -> bool:
        assert self.state is not None
        local = self.state.pts
        if local + count == pts:
            self.state = UpdateState(pts, self.state.qts, self.state.date, self.state.seq)
            return True
        if local + count < pts:
            batch.gap = True
        return False
