"""What the dispatcher builds from each kind of TL update, and which handler kind it goes to.

``parse(client, update, users, chats)`` answers ``(object, handler class)``, or None for an update only
``RawUpdateHandler``s see. The objects are Pyrogram's (``tgfleet.types``), built lazily: a field no handler
reads costs nothing. Kinds, as Pyrogram dispatches them:

- new messages (``updateNewMessage``, ``updateNewChannelMessage``, ``updateNewScheduledMessage``) ->
  ``Message``, ``MessageHandler``;
- edits (``updateEditMessage``, ``updateEditChannelMessage``) -> ``Message``, ``EditedMessageHandler``;
- deletions (``updateDeleteMessages``, ``updateDeleteChannelMessages``) -> a ``List`` of ``Message``s with
  their ids (and the channel as ``chat``), ``DeletedMessagesHandler``;
- ``updateUserStatus`` -> a ``User`` with ``id`` and ``status``, ``UserStatusHandler``;
- ``updateBotChatInviteRequester`` (a bot administering a chat hears of a join request) -> ``ChatJoinRequest``,
  ``ChatJoinRequestHandler``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet.handlers import (
    ChatJoinRequestHandler,
    DeletedMessagesHandler,
    EditedMessageHandler,
    Handler,
    MessageHandler,
    UserStatusHandler,
)
from tgfleet.tl import types as t
from tgfleet.types import ChatJoinRequest, List, Message, User

Parsed = tuple[Any, type[Handler]]
Parser = Callable[[Any, Any, dict[int, Any], dict[int, Any]], Parsed]


def _new(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed:
    scheduled = isinstance(update, t.UpdateNewScheduledMessage)
    return Message._parse(client, update.message, users, chats, is_scheduled=scheduled), MessageHandler


def _edited(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed:
    return Message._parse(client, update.message, users, chats), EditedMessageHandler


def _deleted(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed:
    channel_id = getattr(update, "channel_id", None)
    peer = t.PeerChannel(channel_id=channel_id) if channel_id is not None else None
    messages = List(Message._parse(client, t.MessageEmpty(id=i, peer_id=peer), users, chats) for i in update.messages)
    return messages, DeletedMessagesHandler


def _user_status(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed:
    return User._parse(client, t.User(id=update.user_id, status=update.status)), UserStatusHandler


def _join_request(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed:
    return ChatJoinRequest._parse(client, update, users, chats), ChatJoinRequestHandler


PARSERS: dict[type, Parser] = {
    t.UpdateNewMessage: _new,
    t.UpdateNewChannelMessage: _new,
    t.UpdateNewScheduledMessage: _new,
    t.UpdateEditMessage: _edited,
    t.UpdateEditChannelMessage: _edited,
    t.UpdateDeleteMessages: _deleted,
    t.UpdateDeleteChannelMessages: _deleted,
    t.UpdateUserStatus: _user_status,
    t.UpdateBotChatInviteRequester: _join_request,
}


def parse(client: Any, update: Any, users: dict[int, Any], chats: dict[int, Any]) -> Parsed | None:
    parser = PARSERS.get(type(update))
    return parser(client, update, users, chats) if parser is not None else None
