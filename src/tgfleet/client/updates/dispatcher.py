"""``Dispatcher``: the handlers of a client and the ``Dispatch`` callback that runs them.

New messages (``updateNewMessage``) become :class:`~tgfleet.client.types.Message` objects and go to every
handler whose filter takes them, in the order the handlers were added, one at a time; a handler that raises
is logged and the others still run. Its input is the object handed to the callbacks (the client).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from tgfleet.client.types import Message
from tgfleet.client.updates.delivery import Delivery
from tgfleet.client.updates.handlers import MessageHandler
from tgfleet.tl import types

log = logging.getLogger("tgfleet.updates")


class Dispatcher:
    """``add(handler)``, ``remove(handler)``; ``await dispatch(delivery)`` is the updates' callback."""

    __slots__ = ("client", "handlers")

    def __init__(self, client: Any) -> None:
        self.client = client
        self.handlers: list[MessageHandler] = []

    def add(self, handler: MessageHandler) -> MessageHandler:
        self.handlers.append(handler)
        return handler

    def remove(self, handler: MessageHandler) -> None:
        self.handlers.remove(handler)

    async def dispatch(self, delivery: Delivery) -> None:
        if not self.handlers:
            return
        for update in delivery.updates:
            message = getattr(update, "message", None)
            if isinstance(update, types.UpdateNewMessage) and isinstance(message, types.Message):
                await self._handle(Message._parse(message, delivery.self_id))

    async def _handle(self, message: Message) -> None:
        for handler in list(self.handlers):
            try:
                if not handler.wants(message):
                    continue
                result = handler.callback(self.client, message)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # one handler's bug (or its filter's) must not stop the updates
                log.exception("message handler %r failed", handler.callback)
