"""Message reactions (https://core.telegram.org/api/reactions): the emoji the sandbox accepts and the
``messageReactions`` a message"s owner sees.

An account without Premium (every sandbox account) may put one reaction on a message, from the standard set of
emoji reactions (``messages.getAvailableReactions``; custom emoji and paid reactions need Premium or Stars, so they
are refused as REACTION_INVALID here). In a private chat both sides see every reaction, and who made it
(``recent_reactions``, ``can_see_list``); ``chosen_order`` marks the viewer"s own.
"""

from __future__ import annotations

from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.tl import types

AVAILABLE = frozenset((
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢",
    "🎉", "🤩", "🤮", "💩", "🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳",
    "❤\u200d🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌", "🏆", "💔", "🤨", "😐", "🍓",
    "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻", "👨\u200d💻", "👀", "🎃", "🙈",
    "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿",
    "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷", "🤷\u200d♀",
    "😡",
))  # fmt: skip
"""The standard reaction emoji (Telegram"s list as its apps show it; ``messages.getAvailableReactions``)."""
MAX_PER_USER = 1
"""Reactions one account without Premium may put on one message."""


def message_reactions_tl(message: SandboxMessage) -> types.MessageReactions | None:
    """The reactions of ``message`` as its owner sees them (None: none)."""
    if not message.reactions:
        return None
    counts: dict[str, int] = {}
    for _, emoji, _ in message.reactions:
        counts[emoji] = counts.get(emoji, 0) + 1
    mine = [emoji for user, emoji, _ in message.reactions if user == message.owner_id]
    results = [
        types.ReactionCount(
            reaction=types.ReactionEmoji(emoticon=emoji),
            count=n,
            chosen_order=mine.index(emoji) if emoji in mine else None,
        )
        for emoji, n in counts.items()
    ]
    recent: list[types.MessagePeerReaction] = [
        types.MessagePeerReaction(
            peer_id=types.PeerUser(user_id=user),
            date=date,
            reaction=types.ReactionEmoji(emoticon=emoji),
            my=user == message.owner_id,
        )
        for user, emoji, date in reversed(message.reactions)
    ]
    return types.MessageReactions(can_see_list=True, results=results, recent_reactions=recent)
