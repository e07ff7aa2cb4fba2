"""``MessageEntity``: one styled or detected part of a text (offsets in UTF-16 units)."""

from __future__ import annotations

from typing import Any

from tgfleet.enums import MessageEntityType
from tgfleet.parser.formats import date_format
from tgfleet.tl import TLObject
from tgfleet.tl import types as t
from tgfleet.types.object import Object, lazy
from tgfleet.types.user import User

_TYPES: dict[type, MessageEntityType] = {member.value: member for member in MessageEntityType}
_TYPES[t.InputMessageEntityMentionName] = MessageEntityType.TEXT_MENTION


class MessageEntity(Object):
    """A special part of a text: a mention, hashtag, command, URL, bold, italic, code, a text link..."""

    FIELDS = ("type", "offset", "length", "url", "user", "language", "custom_emoji_id", "expandable")
    _users: dict[int, Any] | None = None

    def __init__(
        self,
        *,
        type: MessageEntityType,
        offset: int,
        length: int,
        url: str | None = None,
        user: User | None = None,
        language: str | None = None,
        custom_emoji_id: int | None = None,
        expandable: bool | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(
            client=client,
            type=type,
            offset=offset,
            length=length,
            url=url,
            user=user,
            language=language,
            custom_emoji_id=custom_emoji_id,
            expandable=expandable,
        )

    @classmethod
    def _parse(cls, client: Any, raw: TLObject, users: dict[int, Any]) -> MessageEntity:
        entity = cls._lazy(client, raw)
        entity.__dict__["_users"] = users
        return entity

    @lazy
    def type(self) -> MessageEntityType:
        return _TYPES.get(type(self._raw), MessageEntityType.UNKNOWN)

    @lazy
    def offset(self) -> int:
        return int(self._raw.offset)

    @lazy
    def length(self) -> int:
        return int(self._raw.length)

    @lazy
    def url(self) -> str | None:
        return getattr(self._raw, "url", None)

    @lazy
    def user(self) -> User | None:
        user_id = getattr(self._raw, "user_id", None)
        if isinstance(user_id, int) and self._users is not None:
            return User._parse(self._client, self._users.get(user_id))
        return None

    @lazy
    def language(self) -> str | None:
        return getattr(self._raw, "language", None)

    @lazy
    def custom_emoji_id(self) -> int | None:
        return getattr(self._raw, "document_id", None)

    @lazy
    def expandable(self) -> bool | None:
        return getattr(self._raw, "collapsed", None)

    def to_tl(self) -> TLObject:
        """The TL entity (the one it was built from, or a new one for an entity built by hand)."""
        if self._raw is not None:
            raw: TLObject = self._raw
            return raw
        cls: Any = self.type.value
        fields: dict[str, Any] = {"offset": self.offset, "length": self.length}
        if self.type is MessageEntityType.TEXT_LINK:
            fields["url"] = self.url or ""
        elif self.type is MessageEntityType.TEXT_MENTION:
            fields["user_id"] = self.user.id if self.user else 0
        elif self.type is MessageEntityType.PRE:
            fields["language"] = self.language or ""
        elif self.type is MessageEntityType.CUSTOM_EMOJI:
            fields["document_id"] = self.custom_emoji_id or 0
        elif self.type is MessageEntityType.BLOCKQUOTE:
            fields["collapsed"] = bool(self.expandable)
        entity: TLObject = cls(**fields)
        return entity

    @property
    def date_time_format(self) -> str | None:
        """For a date-time entity, its format letters (``r``, or ``w`` ``d|D`` ``t|T``)."""
        if isinstance(self._raw, t.MessageEntityFormattedDate):
            return date_format(self._raw) or None
        return None
