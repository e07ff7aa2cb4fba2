"""Handlers for new messages (``@client.on_message()``, ``add_handler``) and the updates they come from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet.client.core import ClientCore
from tgfleet.client.types import Message
from tgfleet.client.updates import MessageHandler, UpdatesManager
from tgfleet.mtproto.session import NewSession, SessionChanged, Update, UpdateUndecodable
from tgfleet.net.state import ConnectionState, StateChange


class UpdateMethods(ClientCore):
    _handlers_list: list[MessageHandler] | None = None
    _updates_manager: UpdatesManager | None = None

    @property
    def _handlers(self) -> list[MessageHandler]:
        if self._handlers_list is None:
            self._handlers_list = []
        return self._handlers_list

    def on_message(self, filter: Callable[[Message], bool] | None = None) -> Callable[[Any], Any]:
        """Decorator: ``@client.on_message()`` calls the function with ``(client, message)`` for every new
        message (incoming and outgoing; pass ``filter`` to choose, e.g. ``lambda m: not m.outgoing``)."""

        def decorator(callback: Any) -> Any:
            self.add_handler(MessageHandler(callback, filter))
            return callback

        return decorator

    def add_handler(self, handler: MessageHandler) -> MessageHandler:
        self._handlers.append(handler)
        return handler

    def remove_handler(self, handler: MessageHandler) -> None:
        self._handlers.remove(handler)

    @property
    def _updates(self) -> UpdatesManager:
        if self._updates_manager is None:
            self._updates_manager = UpdatesManager(self, self._handlers)
            self.on_state_change(self._on_reconnect)
        return self._updates_manager

    async def _on_authorized(self) -> None:
        await self._updates.start()

    async def _on_disconnect(self) -> None:
        if self._updates_manager is not None:
            await self._updates_manager.stop()

    def _on_reconnect(self, change: StateChange) -> None:
        if change.state is ConnectionState.CONNECTED and self._updates_manager is not None:
            self._updates_manager.need_difference()  # whatever happened while we were away

    def _updates_hook(self, event: Any) -> None:
        if isinstance(event, Update):
            self._updates.push(event.obj)
        elif isinstance(event, NewSession | SessionChanged | UpdateUndecodable):
            self._updates.need_difference()

    def _handle_updates(self, result: Any) -> None:
        self._updates.push(result)
