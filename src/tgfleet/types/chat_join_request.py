"""``ChatJoinRequest``: a request to join a chat, as a bot that administers it hears of it
(``updateBotChatInviteRequester``, https://core.telegram.org/constructor/updateBotChatInviteRequester)."""

from __future__ import annotations

from typing import Any

from tgfleet.types.bound import call_client
from tgfleet.types.chat import Chat
from tgfleet.types.chat_invite_link import ChatInviteLink
from tgfleet.types.convert import to_date
from tgfleet.types.object import Object
from tgfleet.types.user import User


class ChatJoinRequest(Object):
    """The ``chat``, the user who asks (``from_user``), when (``date``), his ``bio`` and the ``invite_link`` he
    used; ``approve()`` / ``decline()`` answer it."""

    FIELDS = ("chat", "from_user", "date", "bio", "invite_link")
    chat: Chat
    from_user: User

    @classmethod
    def _parse(cls, client: Any, raw: Any, users: dict[int, Any], chats: dict[int, Any]) -> ChatJoinRequest:
        """From a TL ``updateBotChatInviteRequester`` and its ``updates``' users and chats by id."""
        peer = raw.peer
        chat_raw = chats.get(int(getattr(peer, "channel_id", 0) or getattr(peer, "chat_id", 0)))
        request = cls(
            client=client,
            chat=Chat._parse(client, chat_raw),
            from_user=User._parse(client, users.get(raw.user_id)),
            date=to_date(raw.date),
            bio=raw.about,
            invite_link=ChatInviteLink._parse(client, raw.invite, users),
        )
        request.__dict__["_raw"] = raw
        return request

    def approve(self) -> Any:
        """Let the user in: ``client.approve_chat_join_request(...)``."""
        return call_client(self._client, "approve_chat_join_request", chat_id=self.chat.id, user_id=self.from_user.id)

    def decline(self) -> Any:
        """Turn the request down: ``client.decline_chat_join_request(...)``."""
        return call_client(self._client, "decline_chat_join_request", chat_id=self.chat.id, user_id=self.from_user.id)
