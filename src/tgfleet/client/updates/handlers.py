"""``MessageHandler``: a callback for new messages and the filter that chooses them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet.client.types import Message

Callback = Callable[[Any, Message], Awaitable[None] | None]


class MessageHandler:
    """Calls ``callback(client, message)`` for new messages that pass ``filter`` (all if None)."""

    def __init__(self, callback: Callback, filter: Callable[[Message], bool] | None = None) -> None:
        self.callback = callback
        self.filter = filter

    def wants(self, message: Message) -> bool:
        return self.filter is None or self.filter(message)
