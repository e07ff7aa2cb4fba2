"""The update handlers, one class per kind of update (Pyrogram's names and callbacks' arguments).

Each is ``Handler(callback, filters=None)``; the client's dispatcher gives it the object of its kind:

- ``MessageHandler``: new messages, ``callback(client, message)`` (``tgfleet.types.Message``);
- ``EditedMessageHandler``: edited messages, ``callback(client, message)``;
- ``DeletedMessagesHandler``: ``callback(client, messages)``, a ``types.List`` of ``Message``s carrying
  their ``id`` (and ``chat`` in channels);
- ``UserStatusHandler``: ``callback(client, user)``, a ``User`` with ``id``, ``status`` and dates;
- ``RawUpdateHandler``: every update, ``callback(client, update, users, chats)`` (the TL objects, users and
  chats by id).

The others exist with their signatures for Pyrogram code that registers them; their updates reach no
handler yet (the dispatcher builds no object for them).
"""

from __future__ import annotations

from tgfleet.handlers.handler import Handler


class MessageHandler(Handler):
    __slots__ = ()


class EditedMessageHandler(Handler):
    __slots__ = ()


class DeletedMessagesHandler(Handler):
    __slots__ = ()


class UserStatusHandler(Handler):
    __slots__ = ()


class RawUpdateHandler(Handler):
    __slots__ = ()


class CallbackQueryHandler(Handler):
    __slots__ = ()


class InlineQueryHandler(Handler):
    __slots__ = ()


class ChosenInlineResultHandler(Handler):
    __slots__ = ()


class ChatMemberUpdatedHandler(Handler):
    __slots__ = ()


class ChatJoinRequestHandler(Handler):
    __slots__ = ()


class PollHandler(Handler):
    __slots__ = ()


class StoryHandler(Handler):
    __slots__ = ()


class MessageReactionHandler(Handler):
    __slots__ = ()


class MessageReactionCountHandler(Handler):
    __slots__ = ()


class ChatBoostHandler(Handler):
    __slots__ = ()


class PreCheckoutQueryHandler(Handler):
    __slots__ = ()


class ShippingQueryHandler(Handler):
    __slots__ = ()


class PurchasedPaidMediaHandler(Handler):
    __slots__ = ()


class BusinessConnectionHandler(Handler):
    __slots__ = ()


class BusinessMessageHandler(Handler):
    __slots__ = ()


class EditedBusinessMessageHandler(Handler):
    __slots__ = ()


class DeletedBusinessMessagesHandler(Handler):
    __slots__ = ()
