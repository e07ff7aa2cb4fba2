"""``Message``: a message of any kind (text, media, service), built lazily from TL."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tgfleet.enums import ChatType, MessageMediaType, MessageServiceType
from tgfleet.tl import types as t
from tgfleet.types.chat import Chat
from tgfleet.types.convert import CHANNEL_ZERO, to_date
from tgfleet.types.message_entity import MessageEntity
from tgfleet.types.message_fields import MESSAGE_FIELDS
from tgfleet.types.message_media import NONE, Media, media_of
from tgfleet.types.message_methods import MessageMethods
from tgfleet.types.message_service import Context, Service, service_of
from tgfleet.types.object import List, Object, lazy
from tgfleet.types.reply_markup import reply_markup_of
from tgfleet.types.text import Str
from tgfleet.types.user import User

_NO_SERVICE = Service(MessageServiceType.UNSUPPORTED, {})


def _from_media() -> lazy[Any]:
    """A media field (``photo``, ``video``...): the media object when it is of this field's kind."""
    field: lazy[Any] = lazy(lambda self: self._media.value if self._media.field == field.name else None)
    return field


def _from_service() -> lazy[Any]:
    """A field a service message sets (``new_chat_title``...)."""
    field: lazy[Any] = lazy(lambda self: self._service.fields.get(field.name))
    return field


class Message(MessageMethods, Object):
    """A message. ``text`` (or ``caption`` with media) is a ``Str`` with ``.markdown`` and ``.html``;
    ``media`` says which media field is set. ``reply_to_message`` and a pinned message's content need a
    fetch (``get_messages``): from an update only their ids are known (``pinned_message`` is then a
    ``Message`` with its id and chat)."""

    FIELDS = MESSAGE_FIELDS
    matches: list[re.Match[str]] | None = None
    command: list[str] | None = None
    reply_to_message: Message | None = None
    _users: dict[int, Any] = {}  # noqa: RUF012 (never mutated; each parsed message sets its own)
    _chats: dict[int, Any] = {}  # noqa: RUF012
    _scheduled = False

    @classmethod
    def _parse(
        cls,
        client: Any,
        raw: Any,
        users: dict[int, Any],
        chats: dict[int, Any],
        is_scheduled: bool = False,
    ) -> Message:
        """The message of a TL ``message``, ``messageService`` or ``messageEmpty``; ``users`` and ``chats``
        are the answer's maps by id (shared, never copied)."""
        message = cls._lazy(client, raw)
        d = message.__dict__
        d["_users"], d["_chats"], d["_scheduled"] = users, chats, is_scheduled
        return message

    # --- who, where, when ----------------------------------------------------------------------------------

    def _chat_of(self, peer: Any) -> Chat:
        return Chat._of_peer(self._client, peer, self._users, self._chats)

    @lazy
    def id(self) -> int:
        return int(self._raw.id)

    @lazy
    def chat(self) -> Chat:
        peer = self._raw.peer_id
        return self._chat_of(peer) if peer is not None else None  # type: ignore[return-value]  # an empty message

    @lazy
    def from_user(self) -> User | None:
        raw = self._raw
        sender = getattr(raw, "from_id", None)
        if isinstance(sender, t.PeerUser):
            return User._parse(self._client, self._users.get(sender.user_id))
        if sender is None and isinstance(raw.peer_id, t.PeerUser):
            if getattr(raw, "out", False):  # one's own message in a private chat names no sender
                me = next((u for u in self._users.values() if getattr(u, "is_self", False)), None)
                if me is not None:
                    return User._parse(self._client, me)
            return User._parse(self._client, self._users.get(raw.peer_id.user_id))
        return None

    @lazy
    def sender_chat(self) -> Chat | None:
        sender = getattr(self._raw, "from_id", None)
        if isinstance(sender, (t.PeerChannel, t.PeerChat)):
            return self._chat_of(sender)
        if sender is None and isinstance(self._raw.peer_id, t.PeerChannel):
            return self.chat  # a channel post
        return None

    @lazy
    def date(self) -> datetime | None:
        return to_date(getattr(self._raw, "date", None))

    # --- forwards and replies ------------------------------------------------------------------------------

    @lazy
    def _forward(self) -> Any:
        return getattr(self._raw, "fwd_from", None)

    @lazy
    def forward_from(self) -> User | None:
        origin = getattr(self._forward, "from_id", None)
        return User._parse(self._client, self._users.get(origin.user_id)) if isinstance(origin, t.PeerUser) else None

    @lazy
    def forward_sender_name(self) -> str | None:
        return getattr(self._forward, "from_name", None)

    @lazy
    def forward_from_chat(self) -> Chat | None:
        origin = getattr(self._forward, "from_id", None)
        return self._chat_of(origin) if isinstance(origin, (t.PeerChannel, t.PeerChat)) else None

    @lazy
    def forward_from_message_id(self) -> int | None:
        return getattr(self._forward, "channel_post", None)

    @lazy
    def forward_signature(self) -> str | None:
        return getattr(self._forward, "post_author", None)

    @lazy
    def forward_date(self) -> datetime | None:
        return to_date(getattr(self._forward, "date", None))

    @lazy
    def _reply(self) -> Any:
        reply = getattr(self._raw, "reply_to", None)
        return reply if isinstance(reply, t.MessageReplyHeader) else None

    @lazy
    def reply_to_message_id(self) -> int | None:
        return getattr(self._reply, "reply_to_msg_id", None)

    @lazy
    def reply_to_top_message_id(self) -> int | None:
        return getattr(self._reply, "reply_to_top_id", None)

    # --- flags ---------------------------------------------------------------------------------------------

    def _message_flag(self, name: str) -> bool | None:
        """A flag only a regular message has (None for service and empty messages, as Pyrogram has it)."""
        return bool(getattr(self._raw, name)) if isinstance(self._raw, t.Message) else None

    @lazy
    def mentioned(self) -> bool | None:
        return self._message_flag("mentioned")

    @lazy
    def empty(self) -> bool | None:
        return True if isinstance(self._raw, t.MessageEmpty) else None

    @lazy
    def scheduled(self) -> bool | None:
        return self._scheduled if isinstance(self._raw, t.Message) else None

    @lazy
    def from_scheduled(self) -> bool | None:
        return self._message_flag("from_scheduled")

    @lazy
    def edit_date(self) -> datetime | None:
        return to_date(getattr(self._raw, "edit_date", None))

    @lazy
    def media_group_id(self) -> int | None:
        return getattr(self._raw, "grouped_id", None)

    @lazy
    def author_signature(self) -> str | None:
        return getattr(self._raw, "post_author", None)

    @lazy
    def has_protected_content(self) -> bool | None:
        return self._message_flag("noforwards")

    @lazy
    def has_media_spoiler(self) -> bool | None:
        return getattr(getattr(self._raw, "media", None), "spoiler", None)

    @lazy
    def views(self) -> int | None:
        return getattr(self._raw, "views", None)

    @lazy
    def forwards(self) -> int | None:
        return getattr(self._raw, "forwards", None)

    @lazy
    def via_bot(self) -> User | None:
        bot_id = getattr(self._raw, "via_bot_id", None)
        return User._parse(self._client, self._users.get(bot_id)) if bot_id else None

    @lazy
    def outgoing(self) -> bool:
        return bool(getattr(self._raw, "out", False))

    @lazy
    def reply_markup(self) -> Any:
        return reply_markup_of(getattr(self._raw, "reply_markup", None))

    # --- text and media ------------------------------------------------------------------------------------

    @lazy
    def _media(self) -> Media:
        media = getattr(self._raw, "media", None)
        return media_of(self._client, media) if media is not None else NONE

    @lazy
    def media(self) -> MessageMediaType | None:
        return self._media.type

    def _has_caption(self) -> bool:
        kind = self._media.type
        return kind is not None and kind is not MessageMediaType.WEB_PAGE

    @lazy
    def _entities(self) -> List[MessageEntity] | None:
        raw = getattr(self._raw, "entities", None)
        return List(MessageEntity._parse(self._client, e, self._users) for e in raw) if raw else None

    @lazy
    def text(self) -> Str | None:
        raw = self._raw
        if not isinstance(raw, t.Message) or self._has_caption():
            return None
        return Str(raw.message).init(self._entities)

    @lazy
    def entities(self) -> List[MessageEntity] | None:
        return None if self._has_caption() else self._entities

    @lazy
    def caption(self) -> Str | None:
        raw = self._raw
        if not self._has_caption() or not raw.message:
            return None
        return Str(raw.message).init(self._entities)

    @lazy
    def caption_entities(self) -> List[MessageEntity] | None:
        return self._entities if self._has_caption() else None

    # --- service messages ----------------------------------------------------------------------------------

    @lazy
    def _service(self) -> Service:
        raw = self._raw
        if not isinstance(raw, t.MessageService):
            return _NO_SERVICE
        ctx = Context(self._client, self._users, self.from_user, getattr(self.chat, "_raw", None))
        return service_of(raw.action, ctx)

    @lazy
    def service(self) -> MessageServiceType | None:
        return self._service.type if isinstance(self._raw, t.MessageService) else None

    @lazy
    def pinned_message(self) -> Message | None:
        if self.service is not MessageServiceType.PINNED_MESSAGE or self.reply_to_message_id is None:
            return None
        return Message(id=self.reply_to_message_id, chat=self.chat, client=self._client)

    audio = _from_media()
    document = _from_media()
    photo = _from_media()
    sticker = _from_media()
    animation = _from_media()
    game = _from_media()
    video = _from_media()
    voice = _from_media()
    video_note = _from_media()
    contact = _from_media()
    location = _from_media()
    venue = _from_media()
    web_page = _from_media()
    poll = _from_media()
    dice = _from_media()

    new_chat_members = _from_service()
    left_chat_member = _from_service()
    new_chat_title = _from_service()
    new_chat_photo = _from_service()
    delete_chat_photo = _from_service()
    group_chat_created = _from_service()
    supergroup_chat_created = _from_service()
    channel_chat_created = _from_service()
    migrate_to_chat_id = _from_service()
    migrate_from_chat_id = _from_service()

    @property
    def link(self) -> str:
        """The message's t.me link ("" in private chats)."""
        chat = self.chat
        if chat.type in (ChatType.PRIVATE, ChatType.BOT):
            return ""
        if chat.username:
            return f"https://t.me/{chat.username}/{self.id}"
        return f"https://t.me/c/{CHANNEL_ZERO - chat.id}/{self.id}"
