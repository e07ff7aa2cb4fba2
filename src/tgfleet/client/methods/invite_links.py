"""Invite links and join requests: ``export_chat_invite_link``, ``create_chat_invite_link``,
``get_chat_invite_link``, ``get_chat_join_requests``, ``approve_chat_join_request``, ``decline_chat_join_request``,
``approve_all_chat_join_requests``, ``decline_all_chat_join_requests``, with Pyrogram's signatures and return types
(https://core.telegram.org/api/invites). Joining by a link that needs approval (``creates_join_request``) raises
INVITE_REQUEST_SENT (``errors.InviteRequestSent``): the request waits for the chat's admins."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.tl import functions, types
from tgfleet.types import ChatInviteLink, ChatJoiner
from tgfleet.types.convert import input_user

PAGE = 100
ALL = (1 << 31) - 1


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

    async def get_chat_join_requests(
        self, chat_id: int | str, limit: int = 0, query: str = ""
    ) -> AsyncGenerator[ChatJoiner, None]:
        """The join requests waiting in a chat you administer, the newest first, at most ``limit`` (0: all);
        ``query``: only users whose name or username contains it (messages.getChatInviteImporters with
        ``requested``)."""
        peer = await self.resolve_peer(chat_id)
        total = abs(limit) or ALL
        given, offset_date = 0, 0
        offset_user: types.TypeInputUser = types.InputUserEmpty()
        while given < total:
            asked = min(PAGE, total - given)
            answer: Any = await self.invoke(functions.messages.GetChatInviteImporters(
                requested=True, peer=peer, q=query or None, offset_date=offset_date, offset_user=offset_user,
                limit=asked,
            ))  # fmt: skip
            users = {u.id: u for u in answer.users}
            for raw in answer.importers:
                yield ChatJoiner._parse(self, raw, users)
                given += 1
                if given >= total:
                    return
            if len(answer.importers) < asked:
                return
            last = answer.importers[-1]
            offset_date = last.date
            offset_user = input_user(await self.resolve_peer(last.user_id))

    async def approve_chat_join_request(self, chat_id: int | str, user_id: int | str) -> bool:
        """Let a user whose join request waits into a chat you administer (messages.hideChatJoinRequest)."""
        return await self._hide_join_request(chat_id, user_id, approved=True)

    async def decline_chat_join_request(self, chat_id: int | str, user_id: int | str) -> bool:
        """Turn down a user's join request (messages.hideChatJoinRequest)."""
        return await self._hide_join_request(chat_id, user_id, approved=False)

    async def approve_all_chat_join_requests(self, chat_id: int | str, invite_link: str | None = None) -> bool:
        """Let in everyone whose request waits (only those by ``invite_link`` when given)."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.messages.HideAllChatJoinRequests(peer=peer, approved=True, link=invite_link))
        return True

    async def decline_all_chat_join_requests(self, chat_id: int | str, invite_link: str | None = None) -> bool:
        """Turn down every waiting request (only those by ``invite_link`` when given)."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.messages.HideAllChatJoinRequests(peer=peer, approved=False, link=invite_link))
        return True

    async def _hide_join_request(self, chat_id: int | str, user_id: int | str, *, approved: bool) -> bool:
        peer = await self.resolve_peer(chat_id)
        user = input_user(await self.resolve_peer(user_id))
        await self.invoke(functions.messages.HideChatJoinRequest(approved=approved, peer=peer, user_id=user))
        return True
