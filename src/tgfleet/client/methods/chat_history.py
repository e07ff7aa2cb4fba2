"""Reading chats: ``get_messages``, ``get_chat_history`` (an async iterator), ``get_chat_history_count``,
``search_messages`` (an async iterator), ``get_discussion_message``, with Pyrogram's signatures and return types.

The iterators page as Telegram pages (https://core.telegram.org/api/offsets): up to 100 messages per call,
each next call from the last message's id, until ``limit`` (0: all) or the chat's end."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from datetime import datetime
from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.enums import MessagesFilter
from tgfleet.tl import functions, types
from tgfleet.types import List, Message

PAGE = 100
"""Messages per request: Telegram's maximum for getHistory and search."""
ALL = (1 << 31) - 1


def parse_messages(client: Any, answer: Any) -> List[Message]:
    """The ``Message`` objects of a ``messages.messages``-like answer, in its order."""
    users = {u.id: u for u in answer.users}
    chats = {c.id: c for c in answer.chats}
    return List(Message._parse(client, m, users, chats) for m in answer.messages)


def _timestamp(date: datetime | None) -> int:
    return 0 if date is None else int(date.timestamp())


def message_ids_of(value: int | Iterable[int]) -> tuple[list[int], bool]:
    """The ids asked for and whether one int was given (the answer is then one object, not a list)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value], True
    ids = list(value)  # type: ignore[arg-type]  # a bool: refused below
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise TypeError("message ids must be ints")
    return ids, False


def channel_of_peer(peer: Any) -> types.InputChannel | None:
    """The ``inputChannel`` of a supergroup's or channel's peer (whose messages have methods of their own)."""
    if isinstance(peer, types.InputPeerChannel):
        return types.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)
    return None


class ChatHistoryMethods(MessageMethods):
    async def get_messages(
        self,
        chat_id: int | str,
        message_ids: int | Iterable[int] | None = None,
        reply_to_message_ids: int | Iterable[int] | None = None,
        replies: int = 1,
        *,
        reply: bool | None = None,
    ) -> Message | List[Message]:
        """Messages of a chat by id (``message_ids``), or the messages the given ones reply to
        (``reply_to_message_ids`` as in Pyrogram, or ``message_ids`` with ``reply=True`` as in Kurigram). One id
        gives one ``Message``, several a list in the same order; a message that does not exist comes back with
        ``empty`` set. ``replies`` is accepted for Pyrogram's signature (replied-to messages are not fetched along).
        """
        if (message_ids is None) == (reply_to_message_ids is None):
            raise ValueError("pass exactly one of message_ids and reply_to_message_ids")
        peer = await self.resolve_peer(chat_id)  # PeerIdInvalid for an unknown chat, as Pyrogram raises
        by_reply = reply_to_message_ids is not None or bool(reply)
        ids, single = message_ids_of(message_ids if message_ids is not None else reply_to_message_ids)  # type: ignore[arg-type]
        kind = types.InputMessageReplyTo if by_reply else types.InputMessageID
        wanted: list[types.TypeInputMessage] = [kind(id=i) for i in ids]
        if (channel := channel_of_peer(peer)) is not None:  # a channel's messages are in its own box
            answer = await self.invoke(functions.channels.GetMessages(channel=channel, id=wanted))
        else:
            answer = await self.invoke(functions.messages.GetMessages(id=wanted))
        found = parse_messages(self, answer)
        return found[0] if single else found

    async def get_discussion_message(self, chat_id: int | str, message_id: int) -> Message:
        """The automatic forward of a channel's post in its discussion supergroup (where its comments are
        replies to it); MsgIdInvalid for a post that has none."""
        peer = await self.resolve_peer(chat_id)
        answer = await self.invoke(functions.messages.GetDiscussionMessage(peer=peer, msg_id=message_id))
        return parse_messages(self, answer)[0]

    async def get_chat_history(
        self,
        chat_id: int | str,
        limit: int = 0,
        offset: int = 0,
        offset_id: int = 0,
        offset_date: datetime | None = None,
    ) -> AsyncGenerator[Message, None]:
        """The chat's messages, newest first: at most ``limit`` (0: all), starting below ``offset_id`` or before
        ``offset_date``, ``offset`` messages further (negative: newer ones)."""
        peer = await self.resolve_peer(chat_id)
        total = limit or ALL
        date = _timestamp(offset_date)
        returned, last = 0, ALL  # the oldest id so far: each page must go below it
        while returned < total:
            asked = min(PAGE, total - returned)
            answer = await self.invoke(functions.messages.GetHistory(
                peer=peer, offset_id=offset_id, offset_date=date, add_offset=offset, limit=asked, max_id=0,
                min_id=0, hash=0,
            ))  # fmt: skip
            page = parse_messages(self, answer)
            for message in page:
                yield message
            returned += len(page)
            if len(page) < asked or isinstance(answer, types.messages.Messages) or page[-1].id >= last:
                return  # the chat's end (or a server that pages no further)
            offset_id, offset, date, last = page[-1].id, 0, 0, page[-1].id

    async def get_chat_history_count(self, chat_id: int | str) -> int:
        """How many messages the chat has (one request for a single message and the answer's count)."""
        peer = await self.resolve_peer(chat_id)
        answer = await self.invoke(functions.messages.GetHistory(
            peer=peer, offset_id=0, offset_date=0, add_offset=0, limit=1, max_id=0, min_id=0, hash=0
        ))  # fmt: skip
        return int(getattr(answer, "count", len(answer.messages)))  # type: ignore[attr-defined]

    async def search_messages(
        self,
        chat_id: int | str,
        query: str = "",
        offset: int = 0,
        filter: MessagesFilter = MessagesFilter.EMPTY,  # Pyrogram's name
        limit: int = 0,
        from_user: int | str | None = None,
    ) -> AsyncGenerator[Message, None]:
        """The chat's messages containing ``query`` (all with ""), newest first, at most ``limit`` (0: all),
        of ``filter``'s kind, sent by ``from_user`` if given."""
        peer = await self.resolve_peer(chat_id)
        sender = None if from_user is None else await self.resolve_peer(from_user)
        total = limit or ALL
        offset_id, returned, last = 0, 0, ALL  # the oldest id so far: each page must go below it
        while returned < total:
            asked = min(PAGE, total - returned)
            answer = await self.invoke(functions.messages.Search(
                peer=peer, q=query, from_id=sender, filter=filter.value(), min_date=0, max_date=0,
                offset_id=offset_id, add_offset=offset, limit=asked, max_id=0, min_id=0, hash=0,
            ))  # fmt: skip
            page = parse_messages(self, answer)
            for message in page:
                yield message
            returned += len(page)
            if len(page) < asked or isinstance(answer, types.messages.Messages) or page[-1].id >= last:
                return  # no more matches (or a server that pages no further)
            offset_id, offset, last = page[-1].id, 0, page[-1].id
