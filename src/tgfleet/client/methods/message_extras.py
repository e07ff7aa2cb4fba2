"""More on messages: ``search_global`` / ``search_global_count`` across every chat, ``send_reaction``,
``read_mentions``, ``view_messages`` and ``get_scheduled_messages`` (Pyrogram's signatures and return types)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from tgfleet.client.methods.chat_history import ALL, PAGE, ChatHistoryMethods, parse_messages
from tgfleet.enums import MessagesFilter
from tgfleet.tl import functions, types
from tgfleet.types import List, Message


def _reactions(emoji: int | str | list[int | str] | None) -> list[types.TypeReaction] | None:
    """Pyrogram's ``emoji`` argument as TL reactions: a str is an emoji, an int a custom emoji's id; None or "" none."""
    wanted = emoji if isinstance(emoji, list) else [] if emoji in (None, "") else [emoji]
    found: list[types.TypeReaction] = [
        types.ReactionCustomEmoji(document_id=e) if isinstance(e, int) else types.ReactionEmoji(emoticon=e)
        for e in wanted
    ]
    return found or None


class MessageExtraMethods(ChatHistoryMethods):
    def _search_global(self, query: str, filter: MessagesFilter, offset: Any, limit: int) -> Any:
        rate, peer, offset_id = offset
        return functions.messages.SearchGlobal(
            q=query, filter=filter.value(), min_date=0, max_date=0, offset_rate=rate, offset_peer=peer,
            offset_id=offset_id, limit=limit,
        )  # fmt: skip

    async def search_global(
        self, query: str = "", filter: MessagesFilter = MessagesFilter.EMPTY, limit: int = 0
    ) -> AsyncGenerator[Message, None]:
        """Messages of every chat containing ``query`` (of ``filter``'s kind), newest first, at most ``limit``
        (0: all). SearchQueryEmpty for "" without a filter."""
        total = abs(limit) or ALL
        offset: tuple[int, Any, int] = (0, types.InputPeerEmpty(), 0)
        returned = 0
        while returned < total:
            answer = await self.invoke(self._search_global(query, filter, offset, min(PAGE, total - returned)))
            page = parse_messages(self, answer)
            for message in page[: total - returned]:
                yield message
            returned += len(page)
            if not page or isinstance(answer, types.messages.Messages):
                return  # everything found was in this answer
            last = page[-1]
            offset = (int(last._raw.date), await self.resolve_peer(last.chat.id), last.id)

    async def search_global_count(self, query: str = "", filter: MessagesFilter = MessagesFilter.EMPTY) -> int:
        """How many messages ``search_global`` would find."""
        answer = await self.invoke(self._search_global(query, filter, (0, types.InputPeerEmpty(), 0), 1))
        return int(getattr(answer, "count", len(answer.messages)))

    async def send_reaction(
        self,
        chat_id: int | str,
        message_id: int | None = None,
        emoji: int | str | list[int | str] | None = None,
        big: bool = False,
    ) -> bool:
        """React to a message with an emoji ("👍"; a list for several, None or "" to take one's reaction back).
        ReactionInvalid for an emoji Telegram does not offer, ReactionsTooMany past the account's limit."""
        if message_id is None:
            raise ValueError("message_id is needed (story reactions are not supported)")
        request = functions.messages.SendReaction(
            peer=await self.resolve_peer(chat_id), msg_id=message_id, reaction=_reactions(emoji), big=big
        )
        await self.invoke(request)
        return True

    async def read_mentions(self, chat_id: int | str, topic_id: int | None = None) -> bool:
        """Mark every mention of you in the chat read (a private chat, a group or supergroup; ``topic_id``: a forum
        topic's only); afterwards its dialog counts none (``unread_mentions_count``)."""
        request = functions.messages.ReadMentions(peer=await self.resolve_peer(chat_id), top_msg_id=topic_id)
        await self.invoke(request)
        return True

    async def view_messages(self, chat_id: int | str, message_id: int | list[int]) -> bool:
        """View a channel's posts (one id or a list): each counts your view once, however often you look
        (``Message.views``)."""
        ids = message_id if isinstance(message_id, list) else [message_id]
        request = functions.messages.GetMessagesViews(peer=await self.resolve_peer(chat_id), id=ids, increment=True)
        await self.invoke(request)
        return True

    async def get_scheduled_messages(self, chat_id: int | str) -> List[Message]:
        """The messages scheduled in a chat and not sent yet, marked ``scheduled``."""
        request = functions.messages.GetScheduledHistory(peer=await self.resolve_peer(chat_id), hash=0)
        answer: Any = await self.invoke(request)
        users = {u.id: u for u in answer.users}
        chats = {c.id: c for c in answer.chats}
        return List(Message._parse(self, m, users, chats, is_scheduled=True) for m in answer.messages)
