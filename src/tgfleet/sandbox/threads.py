"""``Thread``: the comments of one broadcast post, kept in its discussion supergroup
(https://core.telegram.org/api/threads, https://core.telegram.org/api/discussion).

When a post is forwarded automatically into the channel's discussion group (``chat_messages.discuss``), a thread
is opened on that copy; every message of the group replying to the copy, or to a message of its thread, is a
comment. The same ``Thread`` is kept by both sides (``Channel.threads``: by the post's id in the broadcast channel,
by the copy's id in the group) and renders the ``messageReplies`` both show: the post with ``comments`` and the
group's ``channel_id``, the copy without. Deleted comments leave the count (``remove``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tgfleet.tl import types

RECENT_REPLIERS = 3
"""How many of the latest commenters ``messageReplies`` names (as Telegram's apps show them)."""


@dataclass
class Thread:
    """The comments on broadcast post ``post_id`` of channel ``channel_id``, in supergroup ``group_id`` under its
    automatic forward ``top_id``; ``pts``: the group's pts at the latest change of the thread."""

    channel_id: int
    post_id: int
    group_id: int
    top_id: int
    pts: int
    comments: dict[int, int] = field(default_factory=dict)
    """Comment id (in the group) -> its sender, oldest first."""

    def add(self, message_id: int, sender_id: int, pts: int) -> None:
        self.comments[message_id] = sender_id
        self.pts = pts

    def remove(self, message_id: int, pts: int) -> None:
        if self.comments.pop(message_id, None) is not None:
            self.pts = pts

    def tl(self, *, on_post: bool) -> types.MessageReplies:
        """The thread's ``messageReplies``: as the broadcast post shows it (``on_post``: ``comments``, the group's
        ``channel_id``) or as its automatic forward in the group does."""
        recent: list[int] = []
        for sender_id in reversed(self.comments.values()):
            if sender_id not in recent and len(recent) < RECENT_REPLIERS:
                recent.append(sender_id)
        return types.MessageReplies(
            comments=on_post,
            replies=len(self.comments),
            replies_pts=self.pts,
            recent_repliers=[types.PeerUser(user_id=i) for i in recent] or None,
            channel_id=self.group_id if on_post else None,
            max_id=max(self.comments, default=None),
        )
