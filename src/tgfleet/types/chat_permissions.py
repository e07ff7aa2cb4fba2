"""``ChatPermissions`` and ``ChatPrivileges``: what members of a chat may do, and what an admin may do, as
Pyrogram names them, with their TL forms (``chatBannedRights``, ``chatAdminRights``;
https://core.telegram.org/api/rights)."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.object import Object

_BANNED = {  # permission -> the chatBannedRights flags it lifts
    "can_send_messages": ("send_messages", "send_plain"),
    "can_send_media_messages": ("send_media", "send_photos", "send_videos", "send_roundvideos", "send_audios",
                                "send_voices", "send_docs"),
    "can_send_other_messages": ("send_stickers", "send_gifs", "send_games", "send_inline"),
    "can_send_polls": ("send_polls",),
    "can_add_web_page_previews": ("embed_links",),
    "can_change_info": ("change_info",),
    "can_invite_users": ("invite_users",),
    "can_pin_messages": ("pin_messages",),
    "can_manage_topics": ("manage_topics",),
}  # fmt: skip
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


class ChatPermissions(Object):
    """What a member may do (None: not said, which restricting treats as not allowed, as Pyrogram does)."""

    FIELDS = tuple(_BANNED)

    def _to_banned_rights(self, until_date: int = 0) -> t.ChatBannedRights:
        """The ``chatBannedRights`` forbidding what this does not allow (sending media also needs sending)."""
        flags = {flag: not bool(getattr(self, name)) for name, flags in _BANNED.items() for flag in flags}
        return t.ChatBannedRights(until_date=until_date, **flags)

    @classmethod
    def _parse(cls, raw: Any) -> ChatPermissions | None:
        """From a TL ``chatBannedRights`` (None for none)."""
        if raw is None:
            return None
        return cls(**{name: not any(getattr(raw, f) for f in flags) for name, flags in _BANNED.items()})


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
