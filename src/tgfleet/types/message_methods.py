"""``MessageMethods``: the bound methods of a ``Message`` (Pyrogram's names and arguments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tgfleet.enums import ChatType, ParseMode
from tgfleet.types.bound import call_client

if TYPE_CHECKING:
    from tgfleet.types.chat import Chat


class MessageMethods:
    """Shortcuts that act on this message through the client it came from. Each returns what the client
    method returns: an awaitable (``await message.reply_text("hi")``), or, for a client in the synchronous
    style, the result itself."""

    id: int
    chat: Chat
    _client: Any

    def reply_text(
        self,
        text: str,
        quote: bool | None = None,
        parse_mode: ParseMode | None = None,
        entities: list[Any] | None = None,
        disable_web_page_preview: bool | None = None,
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
        reply_markup: Any = None,
    ) -> Any:
        """Send ``text`` to this message's chat: ``client.send_message(...)``. ``quote`` (default: outside
        private chats) makes it a reply to this message."""
        if quote is None:
            quote = self.chat.type is not ChatType.PRIVATE
        if reply_to_message_id is None and quote:
            reply_to_message_id = self.id
        return call_client(
            self._client,
            "send_message",
            chat_id=self.chat.id,
            text=text,
            parse_mode=parse_mode,
            entities=entities,
            disable_web_page_preview=disable_web_page_preview,
            disable_notification=disable_notification,
            reply_to_message_id=reply_to_message_id,
            schedule_date=schedule_date,
            protect_content=protect_content,
            reply_markup=reply_markup,
        )

    reply = reply_text

    def edit_text(
        self,
        text: str,
        parse_mode: ParseMode | None = None,
        entities: list[Any] | None = None,
        disable_web_page_preview: bool | None = None,
        reply_markup: Any = None,
    ) -> Any:
        """Change this message's text: ``client.edit_message_text(...)``."""
        return call_client(
            self._client,
            "edit_message_text",
            chat_id=self.chat.id,
            message_id=self.id,
            text=text,
            parse_mode=parse_mode,
            entities=entities,
            disable_web_page_preview=disable_web_page_preview,
            reply_markup=reply_markup,
        )

    edit = edit_text

    def delete(self, revoke: bool = True) -> Any:
        """Delete this message (for everyone unless ``revoke=False``): ``client.delete_messages(...)``."""
        return call_client(self._client, "delete_messages", chat_id=self.chat.id, message_ids=self.id, revoke=revoke)

    def forward(
        self,
        chat_id: int | str,
        disable_notification: bool | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
    ) -> Any:
        """Forward this message to ``chat_id``: ``client.forward_messages(...)``."""
        return call_client(
            self._client,
            "forward_messages",
            chat_id=chat_id,
            from_chat_id=self.chat.id,
            message_ids=self.id,
            disable_notification=disable_notification,
            schedule_date=schedule_date,
            protect_content=protect_content,
        )

    def copy(
        self,
        chat_id: int | str,
        caption: str | None = None,
        parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None,
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
        reply_markup: Any = None,
    ) -> Any:
        """Send a copy of this message (no "forwarded from") to ``chat_id``: ``client.copy_message(...)``."""
        return call_client(
            self._client,
            "copy_message",
            chat_id=chat_id,
            from_chat_id=self.chat.id,
            message_id=self.id,
            caption=caption,
            parse_mode=parse_mode,
            caption_entities=caption_entities,
            disable_notification=disable_notification,
            reply_to_message_id=reply_to_message_id,
            schedule_date=schedule_date,
            protect_content=protect_content,
            reply_markup=reply_markup,
        )

    def pin(self, disable_notification: bool = False, both_sides: bool = False) -> Any:
        """Pin this message in its chat: ``client.pin_chat_message(...)``."""
        return call_client(
            self._client,
            "pin_chat_message",
            chat_id=self.chat.id,
            message_id=self.id,
            disable_notification=disable_notification,
            both_sides=both_sides,
        )

    def download(
        self,
        file_name: str = "",
        in_memory: bool = False,
        block: bool = True,
        progress: Callable[..., Any] | None = None,
        progress_args: tuple[Any, ...] = (),
    ) -> Any:
        """Download this message's media: ``client.download_media(message, ...)``."""
        return call_client(
            self._client,
            "download_media",
            message=self,
            file_name=file_name,
            in_memory=in_memory,
            block=block,
            progress=progress,
            progress_args=progress_args,
        )

    def read(self) -> Any:
        """Mark the chat read up to this message: ``client.read_chat_history(...)``."""
        return call_client(self._client, "read_chat_history", chat_id=self.chat.id, max_id=self.id)
