"""What the filters read from an update of any kind: its sender, chat, text, whether it is outgoing."""

from __future__ import annotations

from typing import Any

from tgfleet.types import Message, User


def sender_of(update: Any) -> Any:
    """The user an update is from (the user itself for a ``User`` update)."""
    if isinstance(update, User):
        return update
    return getattr(update, "from_user", None)


def chat_of(update: Any) -> Any:
    return getattr(update, "chat", None)


def message_of(update: Any) -> Message | None:
    """The message an update is (or carries, as a callback query does)."""
    if isinstance(update, Message):
        return update
    message = getattr(update, "message", None)
    return message if isinstance(message, Message) else None


def is_outgoing(update: Any) -> bool:
    return bool(getattr(update, "outgoing", False))
