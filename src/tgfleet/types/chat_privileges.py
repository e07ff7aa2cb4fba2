"""``ChatPrivileges``: what an administrator may do, as Pyrogram names it, with its TL form (``chatAdminRights``;
https://core.telegram.org/api/rights)."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.object import Object

_ADMIN = {  # privilege -> the chatAdminRights flag
    "can_manage_chat": "other",
    "can_delete_messages": "delete_messages",
    "can_manage_video_chats": "manage_call",
    "can_restrict_members": "ban_users",
    "can_promote_members": "add_admins",
    "can_change_info": "change_info",
    "can_post_messages": "post_messages",
    "can_edit_messages": "edit_messages",
    "can_invite_users": "invite_users",
    "can_pin_messages": "pin_messages",
    "can_manage_topics": "manage_topics",
    "is_anonymous": "anonymous",
}


class ChatPrivileges(Object):
    """What an administrator may do; ``ChatPrivileges()`` is Pyrogram's default: manage the chat, nothing more."""

    FIELDS = tuple(_ADMIN)

    def __init__(self, *, client: Any = None, can_manage_chat: bool = True, **fields: Any) -> None:
        super().__init__(client=client, can_manage_chat=can_manage_chat, **fields)

    def _to_admin_rights(self) -> t.ChatAdminRights:
        return t.ChatAdminRights(**{flag: bool(getattr(self, name)) for name, flag in _ADMIN.items()})

    @classmethod
    def _parse(cls, raw: Any) -> ChatPrivileges | None:
        """From a TL ``chatAdminRights`` (None for none)."""
        if raw is None:
            return None
        return cls(**{name: bool(getattr(raw, flag)) for name, flag in _ADMIN.items()})
