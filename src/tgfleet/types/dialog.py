"""``Dialog``: one chat of the account's chat list."""

from __future__ import annotations

from typing import Any

from tgfleet.types.chat import Chat
from tgfleet.types.convert import peer_id
from tgfleet.types.message import Message
from tgfleet.types.object import Object


class Dialog(Object):
    """A chat as the chat list shows it: its last message, unread counts, pinned or not."""

    FIELDS = (
        "chat",
        "top_message",
        "unread_messages_count",
        "unread_mentions_count",
        "unread_mark",
        "is_pinned",
        "folder_id",
    )

    @classmethod
    def _parse(
        cls,
        client: Any,
        raw: Any,
        messages: dict[tuple[int, int], Message],
        users: dict[int, Any],
        chats: dict[int, Any],
    ) -> Dialog:
        """From a TL ``dialog``; ``messages`` maps (chat id, message id) to the answer's messages."""
        chat_id = peer_id(raw.peer)
        top = messages.get((chat_id, raw.top_message))
        chat = top.chat if top is not None else Chat._of_peer(client, raw.peer, users, chats)
        dialog = cls(
            client=client,
            chat=chat,
            top_message=top,
            unread_messages_count=raw.unread_count,
            unread_mentions_count=raw.unread_mentions_count,
            unread_mark=raw.unread_mark,
            is_pinned=raw.pinned,
            folder_id=raw.folder_id,
        )
        dialog.__dict__["_raw"] = raw
        return dialog
