"""``ChatMember``: a member of a group or channel and their standing."""

from __future__ import annotations

from typing import Any

from tgfleet.enums import ChatMemberStatus as S
from tgfleet.tl import types as t
from tgfleet.types.convert import to_date
from tgfleet.types.object import Object
from tgfleet.types.user import User

_STATUS = {
    t.ChannelParticipantCreator: S.OWNER,
    t.ChatParticipantCreator: S.OWNER,
    t.ChannelParticipantAdmin: S.ADMINISTRATOR,
    t.ChatParticipantAdmin: S.ADMINISTRATOR,
    t.ChannelParticipantLeft: S.LEFT,
}


class ChatMember(Object):
    """A member: ``status``, who they are, since when, who invited, promoted or restricted them."""

    FIELDS = (
        "status",
        "user",
        "chat",
        "custom_title",
        "until_date",
        "joined_date",
        "invited_by",
        "promoted_by",
        "restricted_by",
        "is_member",
        "can_be_edited",
    )

    @classmethod
    def _parse(cls, client: Any, raw: Any, users: dict[int, Any]) -> ChatMember:
        """From a TL channel or chat participant, with the answer's users by id."""

        def user(user_id: Any) -> User | None:
            return User._parse(client, users.get(user_id)) if isinstance(user_id, int) else None

        banned = isinstance(raw, t.ChannelParticipantBanned)
        rights = getattr(raw, "banned_rights", None)
        status = _STATUS.get(type(raw), S.MEMBER)
        if banned:
            status = S.BANNED if rights is not None and rights.view_messages else S.RESTRICTED
        peer = getattr(raw, "peer", None)
        member = cls(
            client=client,
            status=status,
            user=user(getattr(raw, "user_id", None) or getattr(peer, "user_id", None)),
            custom_title=getattr(raw, "rank", None),
            until_date=to_date(rights.until_date) if rights is not None else None,
            joined_date=to_date(getattr(raw, "date", None)),
            invited_by=user(getattr(raw, "inviter_id", None)),
            promoted_by=user(getattr(raw, "promoted_by", None)),
            restricted_by=user(getattr(raw, "kicked_by", None)),
            is_member=(not raw.left) if banned else None,
            can_be_edited=getattr(raw, "can_edit", None),
        )
        member.__dict__["_raw"] = raw
        return member
