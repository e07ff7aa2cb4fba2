"""Members of groups and channels: ``add_chat_members``, ``get_chat_members`` (an async iterator),
``get_chat_member``, ``get_chat_members_count``, ``ban_chat_member``, ``unban_chat_member``,
``restrict_chat_member``, ``promote_chat_member``, with Pyrogram's signatures and return types (https://core.telegram.org/api/rights).

A basic group's members come with ``messages.getFullChat`` (all at once); a supergroup's or channel's with
``channels.getParticipants``, 200 per call, paged by offset until ``limit`` (0: all) or the list's end."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

from tgfleet import errors
from tgfleet.client.methods.chats import input_channel, input_user, service_message
from tgfleet.client.methods.messages import MessageMethods
from tgfleet.enums import ChatMembersFilter
from tgfleet.tl import functions, types
from tgfleet.types import Chat, ChatMember, ChatPermissions, ChatPrivileges, Message

PAGE = 200
"""Members per channels.getParticipants: Telegram's maximum."""
_QUERIED = (ChatMembersFilter.SEARCH, ChatMembersFilter.BANNED, ChatMembersFilter.RESTRICTED)
BANNED_FOR_GOOD = types.ChatBannedRights(
    until_date=0, view_messages=True, send_messages=True, send_media=True, send_stickers=True, send_gifs=True,
    send_games=True, send_inline=True, embed_links=True,
)  # fmt: skip


def _timestamp(date: datetime | None) -> int:
    return 0 if date is None else int(date.timestamp())


class ChatMemberMethods(MessageMethods):
    async def add_chat_members(
        self, chat_id: int | str, user_ids: int | str | list[int | str], forward_limit: int = 100
    ) -> bool:
        """Add users to a group (each sees the last ``forward_limit`` messages of a basic group) or channel."""
        peer = await self.resolve_peer(chat_id)
        wanted = user_ids if isinstance(user_ids, list) else [user_ids]
        users = [input_user(await self.resolve_peer(u)) for u in wanted]
        if isinstance(peer, types.InputPeerChat):
            for user in users:
                await self.invoke(functions.messages.AddChatUser(chat_id=peer.chat_id, user_id=user,
                                                                 fwd_limit=forward_limit))  # fmt: skip
        else:
            await self.invoke(functions.channels.InviteToChannel(channel=input_channel(peer), users=users))
        return True

    async def get_chat_members(
        self,
        chat_id: int | str,
        query: str = "",
        limit: int = 0,
        filter: ChatMembersFilter = ChatMembersFilter.SEARCH,  # Pyrogram's name
    ) -> AsyncGenerator[ChatMember, None]:
        """The chat's members of ``filter``'s kind (``query``: whose name contains it), at most ``limit``
        (0: all); a basic group gives all its members whatever the filter."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChat):
            answer: Any = await self.invoke(functions.messages.GetFullChat(chat_id=peer.chat_id))
            users = {u.id: u for u in answer.users}
            members = getattr(answer.full_chat.participants, "participants", [])
            for raw in members[: limit or None]:
                yield ChatMember._parse(self, raw, users)
            return
        channel = input_channel(peer)
        wanted = filter.value(q=query) if filter in _QUERIED else filter.value()
        offset, total = 0, limit or (1 << 31) - 1
        while offset < total:
            answer = await self.invoke(functions.channels.GetParticipants(
                channel=channel, filter=wanted, offset=offset, limit=min(PAGE, total - offset), hash=0,
            ))  # fmt: skip
            users = {u.id: u for u in answer.users}
            for raw in answer.participants:
                yield ChatMember._parse(self, raw, users)
            offset += len(answer.participants)
            if not answer.participants or offset >= answer.count:
                return

    async def get_chat_member(self, chat_id: int | str, user_id: int | str) -> ChatMember:
        """One member of a group or channel; UserNotParticipant if he is none."""
        peer = await self.resolve_peer(chat_id)
        user = await self.resolve_peer(user_id)
        if isinstance(peer, types.InputPeerChat):
            answer: Any = await self.invoke(functions.messages.GetFullChat(chat_id=peer.chat_id))
            wanted = self.me.id if isinstance(user, types.InputPeerSelf) and self.me else getattr(user, "user_id", 0)
            users = {u.id: u for u in answer.users}
            for raw in getattr(answer.full_chat.participants, "participants", []):
                if raw.user_id == wanted:
                    return ChatMember._parse(self, raw, users)
            raise errors.UserNotParticipant()
        answer = await self.invoke(functions.channels.GetParticipant(channel=input_channel(peer), participant=user))
        return ChatMember._parse(self, answer.participant, {u.id: u for u in answer.users})

    async def get_chat_members_count(self, chat_id: int | str) -> int:
        """How many members a group or channel has (a basic group's from ``messages.getChats``, a channel's from its
        full info); ValueError for a private chat, as in Pyrogram."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChat):
            chats: Any = await self.invoke(functions.messages.GetChats(id=[peer.chat_id]))
            return int(getattr(chats.chats[0], "participants_count", 0) or 0)
        if isinstance(peer, types.InputPeerChannel):
            full: Any = await self.invoke(functions.channels.GetFullChannel(channel=input_channel(peer)))
            return int(full.full_chat.participants_count or 0)
        raise ValueError(f"{chat_id!r} is a private chat, not a group or channel")

    async def ban_chat_member(
        self, chat_id: int | str, user_id: int | str, until_date: datetime | None = None
    ) -> Message | bool:
        """Remove a member and keep him out (of a supergroup or channel until ``until_date``; a basic group has
        no bans: he is removed); the service message saying so, or True."""
        peer = await self.resolve_peer(chat_id)
        user = await self.resolve_peer(user_id)
        if isinstance(peer, types.InputPeerChat):
            answer: Any = await self.invoke(
                functions.messages.DeleteChatUser(chat_id=peer.chat_id, user_id=input_user(user))
            )
        else:
            rights = types.ChatBannedRights(**{**_flags(BANNED_FOR_GOOD), "until_date": _timestamp(until_date)})
            request = functions.channels.EditBanned(channel=input_channel(peer), participant=user, banned_rights=rights)
            answer = await self.invoke(request)
        return service_message(self, answer) or True

    async def unban_chat_member(self, chat_id: int | str, user_id: int | str) -> bool:
        """Lift a ban or restriction (he may join again; he is not added back)."""
        peer = await self.resolve_peer(chat_id)
        user = await self.resolve_peer(user_id)
        await self.invoke(functions.channels.EditBanned(
            channel=input_channel(peer), participant=user, banned_rights=types.ChatBannedRights(until_date=0)
        ))  # fmt: skip
        return True

    async def restrict_chat_member(
        self, chat_id: int | str, user_id: int | str, permissions: ChatPermissions, until_date: datetime | None = None
    ) -> Chat:
        """Allow a supergroup's member only ``permissions`` (until ``until_date``); the chat."""
        peer = await self.resolve_peer(chat_id)
        user = await self.resolve_peer(user_id)
        rights = permissions._to_banned_rights(_timestamp(until_date))
        request = functions.channels.EditBanned(channel=input_channel(peer), participant=user, banned_rights=rights)
        answer: Any = await self.invoke(request)
        chat = Chat._parse(self, answer.chats[0])
        assert chat is not None
        return chat

    async def promote_chat_member(
        self, chat_id: int | str, user_id: int | str, privileges: ChatPrivileges | None = None
    ) -> bool:
        """Make a member an administrator with ``privileges`` (default: manage the chat; all off demotes him)."""
        peer = await self.resolve_peer(chat_id)
        user = input_user(await self.resolve_peer(user_id))
        rights = (privileges or ChatPrivileges())._to_admin_rights()
        if isinstance(peer, types.InputPeerChat):
            is_admin = any(getattr(rights, name) for name in rights.__slots__)
            await self.invoke(functions.messages.EditChatAdmin(chat_id=peer.chat_id, user_id=user, is_admin=is_admin))
        else:
            await self.invoke(functions.channels.EditAdmin(channel=input_channel(peer), user_id=user,
                                                           admin_rights=rights, rank=None))  # fmt: skip
        return True


def _flags(rights: Any) -> dict[str, Any]:
    return {name: getattr(rights, name) for name in rights.__slots__}
