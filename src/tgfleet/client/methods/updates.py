"""Handlers: ``add_handler(handler, group=0)``, ``remove_handler``, and Pyrogram's decorators
(``@app.on_message(filters, group)``, ``on_edited_message``, ``on_deleted_messages``, ``on_user_status``,
``on_raw_update``, ..., ``on_disconnect``).

They live in the client's :class:`~tgfleet.client.updates.Dispatcher` (``client.dispatcher``), which the
updates manager of every connection delivers to, so handlers added before ``start()`` or across reconnects
all count. A decorator used on the class, as plugins do (``@Client.on_message(filters.private)`` in a
module of the plugins folder), registers nothing: it leaves ``func.handlers``, a list of ``(handler,
group)`` that ``start()`` adds for a client whose ``plugins`` name that module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tgfleet import handlers as h
from tgfleet.client.core import ClientCore
from tgfleet.filters import Filter

F = TypeVar("F", bound=Callable[..., Any])


def _unbound(receiver: Any, filters: Any, group: int) -> tuple[Filter | None, int]:
    """What ``@Client.on_x(...)`` was given: called on the class, the positional arguments shift one to the
    left (the filter arrives as ``self``, the group as ``filters``)."""
    if isinstance(filters, int) and not isinstance(filters, bool):
        return receiver, filters
    return (receiver if isinstance(receiver, Filter) else filters), group


def _register(receiver: Any, handler: h.Handler, group: int, func: Any) -> None:
    if isinstance(receiver, ClientCore):
        client: Any = receiver
        client.add_handler(handler, group)
        return
    listed = getattr(func, "handlers", None)
    if not isinstance(listed, list):
        listed = []
        func.handlers = listed
    listed.append((handler, group))


Decorator = Callable[..., Callable[[F], F]]


def _on_update(kind: type[h.Handler], what: str) -> Decorator[Any]:
    def decorator_method(self: Any = None, filters: Any = None, group: int = 0) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            flt, grp = (filters, group) if isinstance(self, ClientCore) else _unbound(self, filters, group)
            _register(self, kind(func, flt), grp, func)
            return func

        return decorator

    decorator_method.__doc__ = (
        f"Decorator: ``@app.on_{what}(filters=None, group=0)`` adds a ``{kind.__name__}`` for the function "
        "(``@Client.on_...`` in a plugin module: see the module's docstring)."
    )
    return decorator_method


def _on_event(kind: type[h.EventHandler], what: str) -> Decorator[Any]:
    def decorator_method(self: Any = None) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            _register(self, kind(func), 0, func)
            return func

        return decorator

    decorator_method.__doc__ = f"Decorator: ``@app.on_{what}()`` sets the client's ``{kind.__name__}``."
    return decorator_method


class UpdateMethods(ClientCore):
    def add_handler(self, handler: h.Handler, group: int = 0) -> tuple[h.Handler, int]:
        """Register ``handler`` in ``group`` (lower groups first; at most one handler per group takes an
        update). Returns ``(handler, group)``, which ``remove_handler(*...)`` takes. A start, stop,
        connect or disconnect handler replaces the client's one of that kind (the group does not matter)."""
        if isinstance(handler, h.EventHandler):
            self.event_handlers[type(handler)] = handler
        else:
            self.dispatcher.add_handler(handler, group)
        return handler, group

    def remove_handler(self, handler: h.Handler, group: int = 0) -> None:
        """Remove a handler added to ``group`` (ValueError if it is not there)."""
        if isinstance(handler, h.EventHandler):
            if self.event_handlers.get(type(handler)) is handler:
                del self.event_handlers[type(handler)]
        else:
            self.dispatcher.remove_handler(handler, group)

    on_message = _on_update(h.MessageHandler, "message")
    on_edited_message = _on_update(h.EditedMessageHandler, "edited_message")
    on_deleted_messages = _on_update(h.DeletedMessagesHandler, "deleted_messages")
    on_user_status = _on_update(h.UserStatusHandler, "user_status")
    on_raw_update = _on_update(h.RawUpdateHandler, "raw_update")
    on_callback_query = _on_update(h.CallbackQueryHandler, "callback_query")
    on_inline_query = _on_update(h.InlineQueryHandler, "inline_query")
    on_chosen_inline_result = _on_update(h.ChosenInlineResultHandler, "chosen_inline_result")
    on_chat_member_updated = _on_update(h.ChatMemberUpdatedHandler, "chat_member_updated")
    on_chat_join_request = _on_update(h.ChatJoinRequestHandler, "chat_join_request")
    on_poll = _on_update(h.PollHandler, "poll")
    on_story = _on_update(h.StoryHandler, "story")
    on_message_reaction = _on_update(h.MessageReactionHandler, "message_reaction")
    on_message_reaction_count = _on_update(h.MessageReactionCountHandler, "message_reaction_count")
    on_chat_boost = _on_update(h.ChatBoostHandler, "chat_boost")
    on_pre_checkout_query = _on_update(h.PreCheckoutQueryHandler, "pre_checkout_query")
    on_shipping_query = _on_update(h.ShippingQueryHandler, "shipping_query")
    on_start = _on_event(h.StartHandler, "start")
    on_stop = _on_event(h.StopHandler, "stop")
    on_connect = _on_event(h.ConnectHandler, "connect")
    on_disconnect = _on_event(h.DisconnectHandler, "disconnect")

    def on_error(self: Any = None, exceptions: Any = None, filters: Any = None, group: int = 0) -> Any:
        """Decorator: ``@app.on_error(exceptions=None, filters=None, group=0)`` adds an ``ErrorHandler``."""

        def decorator(func: F) -> F:
            if isinstance(self, ClientCore):
                _register(self, h.ErrorHandler(func, exceptions, filters), group, func)
            else:  # on the class: (exceptions, filters, group) arrive shifted one to the left
                flt, grp = _unbound(exceptions, filters, group)
                _register(self, h.ErrorHandler(func, self, flt), grp, func)
            return func

        return decorator
