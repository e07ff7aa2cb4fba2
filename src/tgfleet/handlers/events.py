"""Handlers of the client's own events, ``callback(client)``: ``StartHandler`` (after ``start()``),
``StopHandler`` (as ``stop()`` begins), ``ConnectHandler`` / ``DisconnectHandler`` (the home connection
came up / went down), and ``ErrorHandler`` (an update handler raised). A client keeps one of each of the
first four, as Pyrogram does: adding another replaces it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tgfleet.filters import Filter
from tgfleet.handlers.handler import EventHandler, Handler


class StartHandler(EventHandler):
    __slots__ = ()


class StopHandler(EventHandler):
    __slots__ = ()


class ConnectHandler(EventHandler):
    __slots__ = ()


class DisconnectHandler(EventHandler):
    __slots__ = ()


class ErrorHandler(Handler):
    """``callback(client, exception, handler, update, users, chats)`` when an update handler of its group
    order raises one of ``exceptions`` (any ``Exception`` by default); the first that matches handles it."""

    __slots__ = ("exceptions",)

    def __init__(
        self,
        callback: Callable[..., Any],
        exceptions: type[BaseException] | Sequence[type[BaseException]] | None = None,
        filters: Filter | None = None,
    ) -> None:
        super().__init__(callback, filters)
        if exceptions is None:
            self.exceptions: tuple[type[BaseException], ...] = (Exception,)
        elif isinstance(exceptions, type):
            self.exceptions = (exceptions,)
        else:
            self.exceptions = tuple(exceptions)
