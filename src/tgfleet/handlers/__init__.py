"""``tgfleet.handlers``: Pyrogram's handler classes (``from tgfleet.handlers import MessageHandler``) and
the propagation signals ``StopPropagation`` / ``ContinuePropagation`` (also ``tgfleet.StopPropagation``).

Owns what a handler is (``handler.py``: a callback and its filter), the kinds of update handlers
(``kinds.py``) and of event handlers (``events.py``). The client's dispatcher (``tgfleet.client.updates``)
runs them. May import ``tgfleet.filters`` (and what it imports); never the client.
"""

from tgfleet.handlers.events import ConnectHandler, DisconnectHandler, ErrorHandler, StartHandler, StopHandler
from tgfleet.handlers.handler import EventHandler, Handler
from tgfleet.handlers.kinds import (
    BusinessConnectionHandler,
    BusinessMessageHandler,
    CallbackQueryHandler,
    ChatBoostHandler,
    ChatJoinRequestHandler,
    ChatMemberUpdatedHandler,
    ChosenInlineResultHandler,
    DeletedBusinessMessagesHandler,
    DeletedMessagesHandler,
    EditedBusinessMessageHandler,
    EditedMessageHandler,
    InlineQueryHandler,
    MessageHandler,
    MessageReactionCountHandler,
    MessageReactionHandler,
    PollHandler,
    PreCheckoutQueryHandler,
    PurchasedPaidMediaHandler,
    RawUpdateHandler,
    ShippingQueryHandler,
    StoryHandler,
    UserStatusHandler,
)
from tgfleet.handlers.propagation import ContinuePropagation, StopPropagation, StopTransmission

__all__ = [
    "BusinessConnectionHandler",
    "BusinessMessageHandler",
    "CallbackQueryHandler",
    "ChatBoostHandler",
    "ChatJoinRequestHandler",
    "ChatMemberUpdatedHandler",
    "ChosenInlineResultHandler",
    "ConnectHandler",
    "ContinuePropagation",
    "DeletedBusinessMessagesHandler",
    "DeletedMessagesHandler",
    "DisconnectHandler",
    "EditedBusinessMessageHandler",
    "EditedMessageHandler",
    "ErrorHandler",
    "EventHandler",
    "Handler",
    "InlineQueryHandler",
    "MessageHandler",
    "MessageReactionCountHandler",
    "MessageReactionHandler",
    "PollHandler",
    "PreCheckoutQueryHandler",
    "PurchasedPaidMediaHandler",
    "RawUpdateHandler",
    "ShippingQueryHandler",
    "StartHandler",
    "StopHandler",
    "StopPropagation",
    "StopTransmission",
    "StoryHandler",
    "UserStatusHandler",
]
