"""The chat list's folders and marks, and chats shared with others: ``archive_chats``, ``unarchive_chats``,
``mark_chat_unread``, ``get_send_as_chats`` and ``get_common_chats``, with Pyrogram's signatures and return types
(https://core.telegram.org/api/folders).

The archive is folder 1 (``get_dialogs(from_archive=True)`` lists it, ``Dialog.folder_id`` says it); the main list
is folder 0. An unread mark stays until the chat is read (``read_chat_history``) or marked again.
"""

from __future__ import annotations

from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.tl import functions, types
from tgfleet.types import Chat, List
from tgfleet.types.convert import input_user

MAIN, ARCHIVE = 0, 1
MAX_COMMON = 100


class ChatFolderMethods(MessageMethods):
    async def _move(self, chat_ids: int | str | list[int | str], folder_id: int) -> bool:
        wanted = chat_ids if isinstance(chat_ids, list) else [chat_ids]
        peers = [types.InputFolderPeer(peer=await self.resolve_peer(c), folder_id=folder_id) for c in wanted]
        await self.invoke(functions.folders.EditPeerFolders(folder_peers=peers))
        return True

    async def archive_chats(self, chat_ids: int | str | list[int | str]) -> bool:
        """Move chats (one or a list) to the archive."""
        return await self._move(chat_ids, ARCHIVE)

    async def unarchive_chats(self, chat_ids: int | str | list[int | str]) -> bool:
        """Move chats (one or a list) back from the archive to the main list."""
        return await self._move(chat_ids, MAIN)

    async def mark_chat_unread(self, chat_id: int | str) -> bool:
        """Mark a chat as unread (``Dialog.unread_mark``) until it is read."""
        peer = types.InputDialogPeer(peer=await self.resolve_peer(chat_id))
        request: Any = functions.messages.MarkDialogUnread(peer=peer, unread=True)
        return bool(await self.invoke(request))

    async def get_send_as_chats(self, chat_id: int | str, for_paid_reactions: bool | None = None) -> List[Chat]:
        """Whom you may speak as in a supergroup: yourself, the group itself when you are its admin, your
        channels."""
        peer = await self.resolve_peer(chat_id)
        answer: Any = await self.invoke(
            functions.channels.GetSendAs(peer=peer, for_paid_reactions=bool(for_paid_reactions))
        )
        users = {u.id: u for u in answer.users}
        chats = {c.id: c for c in answer.chats}
        return List(Chat._of_peer(self, p.peer, users, chats) for p in answer.peers)

    async def get_common_chats(self, user_id: int | str) -> List[Chat]:
        """The groups and supergroups you share with a user (ValueError for a chat that is no user)."""
        peer = await self.resolve_peer(user_id)
        if not isinstance(peer, types.InputPeerUser | types.InputPeerSelf):
            raise ValueError(f"the user_id {user_id!r} does not belong to a user")
        answer: Any = await self.invoke(
            functions.messages.GetCommonChats(user_id=input_user(peer), max_id=0, limit=MAX_COMMON)
        )
        return List(c for raw in answer.chats if (c := Chat._parse(self, raw)) is not None)
