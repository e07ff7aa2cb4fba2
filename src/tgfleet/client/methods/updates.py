"""Handlers for new messages (``@client.on_message()``, ``add_handler``, ``remove_handler``).

They live in the client's :class:`~tgfleet.client.updates.Dispatcher`, which the updates manager of every
connection delivers to (``parts.py``), so handlers added before ``connect()`` or across reconnects all count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet.client.core import ClientCore
from tgfleet.client.types import Message
from tgfleet.client.updates import MessageHandler


class UpdateMethods(ClientCore):
    def on_message(self, filter: Callable[[Message], bool] | None = None) -> Callable[[Any], Any]:
        """Decorator: ``@client.on_message()`` calls the function with ``(client, message)`` for every new
        message (incoming and outgoing; pass ``filter`` to choose, e.g. ``lambda m: not m.outgoing``)."""

        def decorator(callback: Any) -> Any:
            self.add_handler(MessageHandler(callback, filter))
            return callback

        return decorator

    def add_handler(self, handler: MessageHandler) -> MessageHandler:
        return self._dispatcher.add(handler)

    def remove_handler(self, handler: MessageHandler) -> None:
        self._dispatcher.remove(handler)
