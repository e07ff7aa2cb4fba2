"""Peers and messages: resolve_peer (``resolver.py``), send_message.

The updates a sent message's answer carries reach the update state through the call path, as every call's
do (``invoke.py``); ``send_message`` only reads the sent message out of the answer."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from tgfleet import errors
from tgfleet.client.core import ClientCore
from tgfleet.client.peers import check_chat_id
from tgfleet.client.random_ids import check_random_id, time_prefixed
from tgfleet.client.resolver import resolve_peer
from tgfleet.enums import ParseMode
from tgfleet.parser import parse as parse_markup
from tgfleet.tl import functions, types
from tgfleet.types import Message

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
    @staticmethod
    def rnd_id() -> int:
        """A random signed 64-bit id, for a raw call's ``random_id`` (Pyrogram's ``Client.rnd_id``)."""
        return int.from_bytes(os.urandom(8), "little", signed=True)

    async def resolve_peer(self, chat_id: int | str) -> Any:
        """The InputPeer for an id, ``"@username"``/``"username"``, ``"me"``/``"self"`` or a contact's phone.

        Cached peers need no request; a username is looked up once and then cached with an expiry.
        Raises PeerNotFound saying what was tried, TypeError for anything but an int or a str."""
        check_chat_id(chat_id)
        return await resolve_peer(self._connected().storage, self.invoke, chat_id)

    async def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        parse_mode: ParseMode | None = None,
        entities: list[Any] | None = None,
        reply_to_message_id: int | None = None,
        disable_web_page_preview: bool = False,
        disable_notification: bool = False,
        protect_content: bool = False,
        random_id: int | None = None,
        schedule_date: datetime | None = None,
    ) -> Message:
        """Send a text message to a chat id, username, "me" or a contact's phone number.

        The text is read as Markdown and HTML (``parse_mode``, default the client's, ``ParseMode.DEFAULT``:
        both; ``DISABLED``: plain) unless ``entities`` are given.

        Texts longer than Telegram's limit (4096 UTF-16 code units) raise MessageTooLong before any request.
        A number as ``text`` is sent as its decimal form (as Pyrogram does); any other non-str raises
        TypeError. ``reply_to_message_id`` makes it a reply, ``disable_notification`` silent, ``protect_content``
        unforwardable (ChatForwardsRestricted for whoever tries). A re-sent call (after a reconnect) keeps its
        random_id, so it can never be delivered twice.

        ``random_id``: Telegram's de-duplication key (see ``tgfleet.client.random_ids``); a caller that stores it
        before the call may send again with the same one after any doubt (a timeout, a crash) and the message
        arrives once. Default: ``(server unixtime << 32) | random32``.

        ``schedule_date``: send it then instead (Telegram keeps it until that date: ``get_scheduled_messages``); the
        answer is the scheduled message (``scheduled`` set, its own id). ScheduleDateTooLate beyond 365 days."""
        text = message_text(text)
        check_chat_id(chat_id)
        if random_id is not None:
            check_random_id(random_id)
        if entities is None:
            text, parsed = parse_markup(text, parse_mode or self.parse_mode)
            entities = list(parsed)
        if not text:
            raise errors.MessageEmpty(detail="nothing was sent")
        if (length := utf16_length(text)) > MAX_MESSAGE_LENGTH:
            detail = f"{length} UTF-16 code units, Telegram allows {MAX_MESSAGE_LENGTH}; nothing was sent"
            raise errors.MessageTooLong(detail=detail)
        peer = await self.resolve_peer(chat_id)
        reply_to = types.InputReplyToMessage(reply_to_msg_id=reply_to_message_id) if reply_to_message_id else None
        if random_id is None:
            random_id = self.new_random_id()
        request = functions.messages.SendMessage(
            peer=peer, message=text, random_id=random_id, reply_to=reply_to, entities=entities or None,
            no_webpage=disable_web_page_preview, silent=disable_notification, noforwards=protect_content,
            schedule_date=None if schedule_date is None else int(schedule_date.timestamp()),
        )  # fmt: skip
        return self._sent_message(await self.invoke(request), request)

    def new_random_id(self) -> int:
        """A fresh time-prefixed random_id (while connected): the server's time (the clock plus the home DC's
        offset) and 32 random bits. A caller that stores it before ``send_message(..., random_id=)`` may resend."""
        parts = self._connected()
        offset = parts.storage.get_time_offset(parts.dcs.home_dc)
        return time_prefixed(self.clock() + offset, int.from_bytes(os.urandom(4), "little"))

    def _sent_message(self, result: Any, request: functions.messages.SendMessage) -> Message:
        """The sent message: rebuilt from the request for the short answer (without its reply header, as Pyrogram
        builds it: ``reply_to_message_id`` is None there; ``get_messages`` reads it back), else read out of the
        updates."""
        self_id = self.storage.get_user_id() if self.storage.is_open else None
        random_id = request.random_id
        if isinstance(result, types.UpdateShortSentMessage):
            raw = types.Message(
                id=result.id, out=True, peer_id=_peer_of(request.peer, self_id), date=result.date,
                message=request.message, from_id=types.PeerUser(user_id=self_id) if self_id else None,
                entities=result.entities or request.entities, media=result.media,
                silent=request.silent, noforwards=request.noforwards,
            )  # fmt: skip
            me = getattr(self.me, "_raw", None)
            return Message._parse(self, raw, {me.id: me} if me is not None else {}, {})
        updates = getattr(result, "updates", [])
        ids = {u.random_id: u.id for u in updates if isinstance(u, types.UpdateMessageID)}
        wanted = ids.get(random_id)
        users = {u.id: u for u in getattr(result, "users", [])}
        chats = {c.id: c for c in getattr(result, "chats", [])}
        for update in updates:
            message = getattr(update, "message", None)
            if isinstance(message, types.Message) and (wanted is None or message.id == wanted):
                scheduled = isinstance(update, types.UpdateNewScheduledMessage)
                return Message._parse(self, message, users, chats, is_scheduled=scheduled)
        raise errors.BadRequest(ID="SENT_MESSAGE_NOT_IN_ANSWER")


def _peer_of(peer: Any, self_id: int | None) -> Any:
    if isinstance(peer, types.InputPeerUser):
        return types.PeerUser(user_id=peer.user_id)
    if isinstance(peer, types.InputPeerChat):
        return types.PeerChat(chat_id=peer.chat_id)
    if isinstance(peer, types.InputPeerChannel):
        return types.PeerChannel(channel_id=peer.channel_id)
    return types.PeerUser(user_id=self_id or 0)
