"""Invite links: ``export_chat_invite_link``, ``create_chat_invite_link``, ``get_chat_invite_link``, with
Pyrogram's signatures and return types (https://core.telegram.org/api/invites)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.tl import functions
from tgfleet.types import ChatInviteLink


class InviteLinkMethods(MessageMethods):
    async def export_chat_invite_link(self, chat_id: int | str) -> str:
        """A new primary invite link of a chat you administer (the previous primary link stops working)."""
        peer = await self.resolve_peer(chat_id)
        invite: Any = await self.invoke(functions.messages.ExportChatInvite(peer=peer, legacy_revoke_permanent=True))
        return str(invite.link)

    async def create_chat_invite_link(
        self,
        chat_id: int | str,
        name: str | None = None,
        expire_date: datetime | None = None,
        member_limit: int | None = None,
        creates_join_request: bool | None = None,
    ) -> ChatInviteLink:
        """An additional invite link: ``name``, valid until ``expire_date``, for at most ``member_limit`` joins."""
        peer = await self.resolve_peer(chat_id)
        invite: Any = await self.invoke(functions.messages.ExportChatInvite(
            peer=peer, title=name, expire_date=int(expire_date.timestamp()) if expire_date else None,
            usage_limit=member_limit, request_needed=bool(creates_join_request),
        ))  # fmt: skip
        return ChatInviteLink._parse(self, invite)

    async def get_chat_invite_link(self, chat_id: int | str, invite_link: str) -> ChatInviteLink:
        """A chat's invite link as it is now (how many joined by it, whether it was revoked)."""
        peer = await self.resolve_peer(chat_id)
        answer: Any = await self.invoke(functions.messages.GetExportedChatInvite(peer=peer, link=invite_link))
        return ChatInviteLink._parse(self, answer.invite, {u.id: u for u in answer.users})
