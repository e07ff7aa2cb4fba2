"""``ChatPermissions``: what members of a chat may do, as Pyrogram names it, with its TL form (``chatBannedRights``;
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
