"""``Chat``: a private chat (with a user or bot), a basic group, a supergroup, a forum or a channel."""

from __future__ import annotations

from typing import Any

from tgfleet.enums import ChatType
from tgfleet.tl import types as t
from tgfleet.types.chat_photo import ChatPhoto
from tgfleet.types.convert import CHANNEL_ZERO, peer_id
from tgfleet.types.object import List, Object, lazy
from tgfleet.types.username import Username

_USER, _GROUP, _CHANNEL = "user", "group", "channel"


class Chat(Object):
    """A chat. From a message or a dialog only the chat's own fields are known; ``bio``, ``description``,
    ``invite_link``, ``pinned_message``, ``linked_chat`` and (for those who may approve them) ``join_requests_count``
    come with ``get_chat``."""

    FIELDS = (
        "id",
        "type",
        "is_verified",
        "is_restricted",
        "is_creator",
        "is_scam",
        "is_fake",
        "is_support",
        "is_forum",
        "is_banned",
        "title",
        "username",
        "usernames",
        "first_name",
        "last_name",
        "photo",
        "bio",
        "description",
        "dc_id",
        "has_protected_content",
        "invite_link",
        "pinned_message",
        "members_count",
        "linked_chat",
        "join_requests_count",
    )
    bio: str | None = None
    description: str | None = None
    invite_link: str | None = None
    pinned_message: Any = None
    linked_chat: Chat | None = None
    join_requests_count: int | None = None
    _kind = ""

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Chat | None:
        """The chat of a TL ``user``, ``chat`` or ``channel`` (or their forbidden forms); None otherwise."""
        if isinstance(raw, t.User):
            kind = _USER
        elif isinstance(raw, (t.Chat, t.ChatForbidden)):
            kind = _GROUP
        elif isinstance(raw, (t.Channel, t.ChannelForbidden)):
            kind = _CHANNEL
        else:
            return None
        chat = cls._lazy(client, raw)
        chat.__dict__["_kind"] = kind
        return chat

    @classmethod
    def _of_peer(cls, client: Any, peer: Any, users: dict[int, Any], chats: dict[int, Any]) -> Chat:
        """The chat of a TL peer, from the answer's users and chats (what the peer alone tells if absent)."""
        if isinstance(peer, t.PeerUser):
            raw = users.get(peer.user_id)
        else:
            raw = chats.get(peer.chat_id if isinstance(peer, t.PeerChat) else peer.channel_id)
        chat = cls._parse(client, raw)
        if chat is None:
            kind = ChatType.PRIVATE if isinstance(peer, t.PeerUser) else ChatType.GROUP
            kind = ChatType.CHANNEL if isinstance(peer, t.PeerChannel) else kind
            chat = cls(id=peer_id(peer), type=kind, client=client)
        return chat

    def _flag(self, name: str) -> bool | None:
        value = getattr(self._raw, name, None)
        return None if value is None else bool(value)

    @lazy
    def id(self) -> int:
        raw_id = int(self._raw.id)
        return raw_id if self._kind == _USER else -raw_id if self._kind == _GROUP else CHANNEL_ZERO - raw_id

    @lazy
    def type(self) -> ChatType:
        raw = self._raw
        if self._kind == _USER:
            return ChatType.BOT if raw.bot else ChatType.PRIVATE
        if self._kind == _GROUP:
            return ChatType.GROUP
        if raw.monoforum:
            return ChatType.DIRECT
        if getattr(raw, "forum", False):
            return ChatType.FORUM
        return ChatType.SUPERGROUP if raw.megagroup else ChatType.CHANNEL

    @lazy
    def is_verified(self) -> bool | None:
        return self._flag("verified")

    @lazy
    def is_restricted(self) -> bool | None:
        return self._flag("restricted")

    @lazy
    def is_creator(self) -> bool | None:
        return self._flag("creator")

    @lazy
    def is_scam(self) -> bool | None:
        return self._flag("scam")

    @lazy
    def is_fake(self) -> bool | None:
        return self._flag("fake")

    @lazy
    def is_support(self) -> bool | None:
        return self._flag("support")

    @lazy
    def is_forum(self) -> bool | None:
        return self._flag("forum")

    @lazy
    def is_banned(self) -> bool | None:
        return True if isinstance(self._raw, (t.ChatForbidden, t.ChannelForbidden)) else None

    @lazy
    def title(self) -> str | None:
        return getattr(self._raw, "title", None)

    @lazy
    def username(self) -> str | None:
        raw = self._raw
        names = getattr(raw, "usernames", None)
        return getattr(raw, "username", None) or (names[0].username if names else None)

    @lazy
    def usernames(self) -> List[Username] | None:
        names = getattr(self._raw, "usernames", None)
        return List(Username._parse(u) for u in names) if names else None

    @lazy
    def first_name(self) -> str | None:
        return getattr(self._raw, "first_name", None)

    @lazy
    def last_name(self) -> str | None:
        return getattr(self._raw, "last_name", None)

    @lazy
    def photo(self) -> ChatPhoto | None:
        photo = getattr(self._raw, "photo", None)
        return ChatPhoto._parse(self._client, photo, self.id, getattr(self._raw, "access_hash", 0))

    @lazy
    def dc_id(self) -> int | None:
        return getattr(getattr(self._raw, "photo", None), "dc_id", None)

    @lazy
    def has_protected_content(self) -> bool | None:
        return self._flag("noforwards")

    @lazy
    def members_count(self) -> int | None:
        return getattr(self._raw, "participants_count", None)

    @property
    def full_name(self) -> str | None:
        """The title, or a private chat's first and last name."""
        return self.title or " ".join(p for p in (self.first_name, self.last_name) if p) or None
