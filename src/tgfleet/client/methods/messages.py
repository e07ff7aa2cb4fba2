"""Peers and messages: resolve_peer, send_message."""

from __future__ import annotations

import os
from typing import Any

from tgfleet import errors
from tgfleet.client.core import ClientCore
from tgfleet.client.peers import check_chat_id, input_peer, is_phone, is_username
from tgfleet.client.types import Message
from tgfleet.errors import PeerNotFound
from tgfleet.tl import functions, types

MAX_MESSAGE_LENGTH = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def message_text(text: object) -> str:
    """``text`` as a message: a str as is, an int or float as its decimal form; TypeError otherwise."""
    if isinstance(text, str):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return str(text)
    raise TypeError(f"text must be a str (or a number), not {type(text).__name__}")


class MessageMethods(ClientCore):
    async def resolve_peer(self, chat_id: int | str) -> Any:
        """The InputPeer for an id, ``"@username"``/``"username"``, ``"me"``/``"self"`` or a contact's phone.

        Cached peers need no request; a username is looked up once and then cached with an expiry.
        Raises PeerNotFound saying what was tried, TypeError for anything but an int or a str."""
        check_chat_id(chat_id)
        storage = self.storage
        if storage is None:
            raise ConnectionError("connect() first")
        self_id = storage.get_user_id()
        if isinstance(chat_id, str):
            text = chat_id.strip()
            if text.lower() in ("me", "self"):
                return types.InputPeerSelf()
            if text.lstrip("-").isdigit():
                chat_id = int(text)
            elif is_phone(text):
                return await self._resolve_phone(text, self_id)
            elif is_username(text):
                return await self._resolve_username(text.lstrip("@"), self_id)
            else:
                raise PeerNotFound(f"{chat_id!r} is neither an id, a username, 'me' nor a phone number")
        record = storage.get_peer_by_id(chat_id)
        peer = input_peer(record, self_id) if record is not None else None
        if peer is None and chat_id == self_id:
            peer = types.InputPeerSelf()
        if peer is None:
            why = "no access hash is known for it" if record is not None else "it is not in the session's peer cache"
            raise PeerNotFound(
                f"cannot address chat id {chat_id}: {why}; the account must see it first "
                "(a message, a dialog or a username lookup)"
            )
        return peer

    async def _resolve_username(self, username: str, self_id: int | None) -> Any:
        assert self.storage is not None
        record = self.storage.get_peer_by_username(username)
        if record is not None and (peer := input_peer(record, self_id)) is not None:
            return peer
        try:
            resolved = await self.invoke(functions.contacts.ResolveUsername(username=username))
        except (errors.UsernameNotOccupied, errors.UsernameInvalid) as e:
            raise PeerNotFound(f"@{username}: {e.ID} (tried the peer cache, then contacts.resolveUsername)") from e
        return self._peer_from_resolved(resolved, f"@{username}")

    async def _resolve_phone(self, phone: str, self_id: int | None) -> Any:
        assert self.storage is not None
        record = self.storage.get_peer_by_phone(phone)
        if record is not None and (peer := input_peer(record, self_id)) is not None:
            return peer
        try:
            resolved = await self.invoke(functions.contacts.ResolvePhone(phone=phone))
        except errors.RPCError as e:
            raise PeerNotFound(f"phone {phone}: {e.ID} (tried the peer cache, then contacts.resolvePhone)") from e
        return self._peer_from_resolved(resolved, phone)

    def _peer_from_resolved(self, resolved: Any, what: str) -> Any:
        peer = resolved.peer
        if isinstance(peer, types.PeerUser):
            for user in resolved.users:
                if user.id == peer.user_id and isinstance(user, types.User) and user.access_hash is not None:
                    return types.InputPeerUser(user_id=user.id, access_hash=user.access_hash)
        if isinstance(peer, types.PeerChannel):
            for chat in resolved.chats:
                if isinstance(chat, types.Channel) and chat.id == peer.channel_id and chat.access_hash is not None:
                    return types.InputPeerChannel(channel_id=chat.id, access_hash=chat.access_hash)
        if isinstance(peer, types.PeerChat):
            return types.InputPeerChat(chat_id=peer.chat_id)
        raise PeerNotFound(f"{what}: the server's answer carried no usable access hash")

    async def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        disable_web_page_preview: bool = False,
        disable_notification: bool = False,
    ) -> Message:
        """Send a text message to a chat id, username, "me" or a contact's phone number.

        Texts longer than Telegram's limit (4096 UTF-16 code units) raise MessageTooLong before any request.
        A number as ``text`` is sent as its decimal form (as Pyrogram does); any other non-str raises
        TypeError. A re-sent call (after a reconnect) keeps its random_id, so it can never be delivered twice."""
        text = message_text(text)
        check_chat_id(chat_id)
        if not text:
            raise errors.MessageEmpty(detail="nothing was sent")
        if (length := utf16_length(text)) > MAX_MESSAGE_LENGTH:
            detail = f"{length} UTF-16 code units, Telegram allows {MAX_MESSAGE_LENGTH}; nothing was sent"
            raise errors.MessageTooLong(detail=detail)
        peer = await self.resolve_peer(chat_id)
        reply_to = types.InputReplyToMessage(reply_to_msg_id=reply_to_message_id) if reply_to_message_id else None
        random_id = int.from_bytes(os.urandom(8), "little", signed=True)
        result = await self.invoke(
            functions.messages.SendMessage(
                peer=peer, message=text, random_id=random_id, reply_to=reply_to,
                no_webpage=disable_web_page_preview, silent=disable_notification,
            )
        )  # fmt: skip
        return self._sent_message(result, peer, text, random_id)

    def _sent_message(self, result: Any, peer: Any, text: str, random_id: int) -> Message:
        self_id = self.storage.get_user_id() if self.storage is not None else None
        self._handle_updates(result)
        if isinstance(result, types.UpdateShortSentMessage):
            raw = types.Message(
                id=result.id, out=True, peer_id=_peer_of(peer, self_id), date=result.date, message=text,
                from_id=types.PeerUser(user_id=self_id) if self_id else None,
            )  # fmt: skip
            return Message._parse(raw, self_id)
        updates = getattr(result, "updates", [])
        ids = {u.random_id: u.id for u in updates if isinstance(u, types.UpdateMessageID)}
        wanted = ids.get(random_id)
        for update in updates:
            message = getattr(update, "message", None)
            if isinstance(message, types.Message) and (wanted is None or message.id == wanted):
                return Message._parse(message, self_id)
        raise errors.BadRequest(ID="SENT_MESSAGE_NOT_IN_ANSWER")


def _peer_of(peer: Any, self_id: int | None) -> Any:
    if isinstance(peer, types.InputPeerUser):
        return types.PeerUser(user_id=peer.user_id)
    if isinstance(peer, types.InputPeerChat):
        return types.PeerChat(chat_id=peer.chat_id)
    if isinstance(peer, types.InputPeerChannel):
        return types.PeerChannel(channel_id=peer.channel_id)
    return types.PeerUser(user_id=self_id or 0)
