"""Changing messages: ``edit_message_text``, ``edit_message_caption``, ``delete_messages``, ``forward_messages``,
``copy_message``, ``read_chat_history``, ``send_chat_action``, ``pin_chat_message``, ``unpin_chat_message``
(Pyrogram's signatures and return types), in private chats, basic groups, supergroups and channels (a channel's
deletions and read marks go through ``channels.*``). The updates their answers carry reach the update state through
the call path (``invoke.py``), as every call's do; a method only reads its result out of the answer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tgfleet import errors
from tgfleet.client.methods.chat_history import ChatHistoryMethods, channel_of_peer, message_ids_of
from tgfleet.client.methods.media import MediaMethods
from tgfleet.client.methods.sending_media import input_media_of
from tgfleet.enums import ChatAction, ParseMode
from tgfleet.parser import parse as parse_markup
from tgfleet.tl import functions, types
from tgfleet.types import List, Message


def messages_of_updates(client: Any, answer: Any) -> List[Message]:
    """The messages an ``updates`` answer carries (new, scheduled or edited), in its order."""
    users = {u.id: u for u in getattr(answer, "users", [])}
    chats = {c.id: c for c in getattr(answer, "chats", [])}
    found: List[Message] = List()
    for update in getattr(answer, "updates", []):
        message = getattr(update, "message", None)
        if isinstance(message, types.Message | types.MessageService):
            scheduled = isinstance(update, types.UpdateNewScheduledMessage)
            found.append(Message._parse(client, message, users, chats, is_scheduled=scheduled))
    return found


log = logging.getLogger("tgfleet.client")


def _kind(message: Message) -> str:
    if message.empty:
        return "it does not exist"
    return "a service message" if message.service else f"its {type(message._raw.media).__name__} cannot be sent again"


class MessageChangeMethods(ChatHistoryMethods, MediaMethods):
    async def edit_message_text(
        self,
        chat_id: int | str,
        message_id: int,
        text: str,
        parse_mode: ParseMode | None = None,
        entities: list[Any] | None = None,
        disable_web_page_preview: bool | None = None,
    ) -> Message:
        """Change the text of one's own message; the edited ``Message``. MessageNotModified for the same text,
        MessageIdInvalid for an id not in the chat, MessageEditTimeExpired 48 hours after it was sent."""
        return await self._edit_message(chat_id, message_id, text, parse_mode, entities, disable_web_page_preview)

    async def edit_message_caption(
        self,
        chat_id: int | str,
        message_id: int,
        caption: str,
        parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None,
    ) -> Message:
        """Change the caption of one's own media message ("" removes it); the edited ``Message``. The errors of
        ``edit_message_text``, and MediaCaptionTooLong above 1024 UTF-16 code units."""
        return await self._edit_message(chat_id, message_id, caption, parse_mode, caption_entities, None)

    async def _edit_message(
        self, chat_id: int | str, message_id: int, text: str, parse_mode: ParseMode | None,
        entities: list[Any] | None, no_webpage: bool | None,
    ) -> Message:  # fmt: skip
        peer = await self.resolve_peer(chat_id)
        if entities is None:
            text, parsed = parse_markup(text, parse_mode or self.parse_mode)
            entities = list(parsed)
        answer = await self.invoke(functions.messages.EditMessage(
            peer=peer, id=message_id, message=text, entities=entities, no_webpage=bool(no_webpage),
        ))  # fmt: skip
        edited = messages_of_updates(self, answer)
        if not edited:
            raise errors.BadRequest(ID="EDITED_MESSAGE_NOT_IN_ANSWER")
        return edited[0]

    async def delete_messages(self, chat_id: int | str, message_ids: int | Iterable[int], revoke: bool = True) -> int:
        """Delete messages (for both sides, or every member of a basic group, unless ``revoke=False``; a channel's
        for everyone); how many were deleted. MessageDeleteForbidden for another's message without the right."""
        peer = await self.resolve_peer(chat_id)  # PeerIdInvalid for an unknown chat
        ids, _ = message_ids_of(message_ids)
        channel = channel_of_peer(peer)
        deleted = 0
        for start in range(0, len(ids) or 1, 100):  # Telegram's maximum per call; none: the server says so
            chunk = ids[start : start + 100]
            request: Any = (
                functions.messages.DeleteMessages(id=chunk, revoke=revoke)
                if channel is None
                else functions.channels.DeleteMessages(channel=channel, id=chunk)
            )
            deleted += (await self.invoke(request)).pts_count
        return deleted

    async def forward_messages(
        self,
        chat_id: int | str,
        from_chat_id: int | str,
        message_ids: int | Iterable[int],
        disable_notification: bool | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
        hide_sender_name: bool | None = None,
    ) -> Message | List[Message]:
        """Forward messages of ``from_chat_id`` to ``chat_id``: one ``Message`` for one id, else a list (with
        ``schedule_date``: the scheduled messages, sent then). ChatForwardsRestricted for a protected message."""
        ids, single = message_ids_of(message_ids)
        answer = await self.invoke(functions.messages.ForwardMessages(
            from_peer=await self.resolve_peer(from_chat_id), id=ids, random_id=[self.rnd_id() for _ in ids],
            to_peer=await self.resolve_peer(chat_id), silent=bool(disable_notification),
            noforwards=bool(protect_content), drop_author=bool(hide_sender_name),
            schedule_date=None if schedule_date is None else int(schedule_date.timestamp()),
        ))  # fmt: skip
        sent = messages_of_updates(self, answer)
        return sent[0] if single and sent else sent

    async def copy_message(
        self,
        chat_id: int | str,
        from_chat_id: int | str,
        message_id: int,
        caption: str | None = None,
        parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None,
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
        reply_markup: Any = None,
    ) -> Message | None:
        """Send a copy of a message (no "forwarded from"): its text with its entities, or its media (a photo or
        file by id, a point, venue, contact, dice) with its caption, or ``caption`` instead. The new ``Message``;
        None, with a warning, for a message that cannot be copied (a service message, a poll...), as Pyrogram."""
        original = await self.get_messages(from_chat_id, message_id)
        assert isinstance(original, Message)  # one id: one message
        raw = original._raw
        media = None if original.empty or original.service or original.text else input_media_of(raw.media)
        if not original.text and media is None:
            log.warning("message %s of chat %s cannot be copied (%s)", message_id, from_chat_id, _kind(original))
            return None
        options: dict[str, Any] = {
            "disable_notification": bool(disable_notification), "reply_to_message_id": reply_to_message_id,
            "schedule_date": schedule_date, "protect_content": bool(protect_content),
        }  # fmt: skip
        if media is None:
            sent: Message = await self.send_message(chat_id, raw.message, entities=list(raw.entities or []), **options)
            return sent
        if caption is None:
            caption, parse_mode, caption_entities = raw.message, ParseMode.DISABLED, list(raw.entities or [])
        return await self._send_media(
            chat_id, media, caption, parse_mode=parse_mode, caption_entities=caption_entities, **options
        )

    async def read_chat_history(self, chat_id: int | str, max_id: int = 0) -> bool:
        """Mark the chat read up to ``max_id`` (0: all of it)."""
        peer = await self.resolve_peer(chat_id)
        channel = channel_of_peer(peer)
        if channel is not None:
            await self.invoke(functions.channels.ReadHistory(channel=channel, max_id=max_id))
        else:
            await self.invoke(functions.messages.ReadHistory(peer=peer, max_id=max_id))
        return True

    async def send_chat_action(self, chat_id: int | str, action: ChatAction) -> bool:
        """Show the other side ``action`` ("typing..."): ``ChatAction.TYPING``, ``CANCEL``, ..."""
        if not isinstance(action, ChatAction):
            raise TypeError(f"action must be a tgfleet.enums.ChatAction, not {type(action).__name__}")
        peer = await self.resolve_peer(chat_id)
        typing: Any = functions.messages.SetTyping(peer=peer, action=action.value())
        return bool(await self.invoke(typing))

    async def pin_chat_message(
        self, chat_id: int | str, message_id: int, disable_notification: bool = False, both_sides: bool = False
    ) -> Message | None:
        """Pin a message (in a private chat for oneself only unless ``both_sides``); the "pinned" service message
        when the server posts one, else None."""
        answer = await self.invoke(functions.messages.UpdatePinnedMessage(
            peer=await self.resolve_peer(chat_id), id=message_id, silent=disable_notification,
            pm_oneside=not both_sides,
        ))  # fmt: skip
        posted = messages_of_updates(self, answer)
        return posted[0] if posted else None

    async def unpin_chat_message(self, chat_id: int | str, message_id: int = 0) -> bool:
        """Unpin a message of the chat."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.messages.UpdatePinnedMessage(peer=peer, id=message_id, unpin=True))
        return True
