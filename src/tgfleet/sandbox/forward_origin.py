"""``ForwardOrigin``: where a forwarded message comes from, as its ``fwd_from`` names it
(https://core.telegram.org/constructor/messageFwdHeader).

A user's message forwarded names him; a broadcast channel's post names the channel and the post
(``channel_post``); a forward of a forward keeps the first origin. A post's automatic forward into its discussion
supergroup (``automatic``) is also sent *as* the channel (its ``from_id``) and names the post it was saved from
(``saved_from_peer`` / ``saved_from_msg_id``), as Telegram shows it (https://core.telegram.org/api/discussion).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ForwardOrigin:
    """The first sender (a user's id or a channel's marked id), the original date and, for a channel's post, its
    id there."""

    peer_id: int
    date: int
    post_id: int | None = None
    automatic: bool = False
