"""The ``Chat`` of ``get_chat``: a chat with the fields only its full form has (``users.getFullUser``,
``messages.getFullChat``, ``channels.getFullChannel``): ``bio``, ``description``, ``invite_link``, the member count,
``linked_chat``, ``join_requests_count``."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.chat import Chat


def full_chat(client: Any, answer: Any) -> Chat:
    """The ``Chat`` of a ``messages.chatFull`` or ``users.userFull`` answer."""
    if isinstance(answer, t.users.UserFull):
        full = answer.full_user
        raw = next(u for u in answer.users if getattr(u, "id", None) == full.id)
        chat = Chat._parse(client, raw)
        assert chat is not None
        chat.__dict__["bio"] = full.about
        return chat
    full = answer.full_chat
    raw = next(c for c in answer.chats if c.id == full.id)
    chat = Chat._parse(client, raw)
    assert chat is not None
    d = chat.__dict__
    d["description"] = full.about or None
    invite = full.exported_invite
    d["invite_link"] = invite.link if isinstance(invite, t.ChatInviteExported) else None
    if isinstance(full, t.ChannelFull) and full.participants_count is not None:
        d["members_count"] = full.participants_count
    d["join_requests_count"] = getattr(full, "requests_pending", None)  # shown to those who may approve them
    linked = next((c for c in answer.chats if c.id == getattr(full, "linked_chat_id", None)), None)
    if linked is not None:  # a channel's discussion group, a discussion group's channel
        d["linked_chat"] = Chat._parse(client, linked)
    return chat
