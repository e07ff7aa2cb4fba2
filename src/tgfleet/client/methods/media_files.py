"""send_photo, send_document, send_video, send_audio, send_voice, send_animation, send_sticker: Pyrogram's
signatures over ``MediaMethods._send_file`` (``media.py``), each with the attributes of its kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tgfleet.client.methods.media import MediaMethods
from tgfleet.client.methods.sending_media import MediaKind, uploaded_document, video_attribute
from tgfleet.enums import ParseMode
from tgfleet.tl import types
from tgfleet.types import Message

Progress = Callable[..., Any] | None


class MediaFileMethods(MediaMethods):
    async def send_photo(
        self, chat_id: int | str, photo: Any, caption: str = "", parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None, has_spoiler: bool | None = None, ttl_seconds: int | None = None,
        disable_notification: bool | None = None, reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None, protect_content: bool | None = None, progress: Progress = None,
        progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A photo (a path, bytes, a binary file object or a photo's file id); None if ``progress`` stopped it."""

        def make(file: Any, _thumb: Any) -> Any:
            return types.InputMediaUploadedPhoto(file=file, spoiler=bool(has_spoiler), ttl_seconds=ttl_seconds)

        return await self._send_file(  # type: ignore[no-any-return]
            chat_id, photo, MediaKind.PHOTO, make, caption=caption, parse_mode=parse_mode,
            caption_entities=caption_entities, disable_notification=disable_notification,
            reply_to_message_id=reply_to_message_id, schedule_date=schedule_date, protect_content=protect_content,
            progress=progress, progress_args=progress_args,
        )  # fmt: skip

    async def send_document(
        self, chat_id: int | str, document: Any, thumb: Any = None, caption: str = "",
        parse_mode: ParseMode | None = None, caption_entities: list[Any] | None = None, file_name: str | None = None,
        disable_content_type_detection: bool | None = None, disable_notification: bool | None = None,
        reply_to_message_id: int | None = None, schedule_date: datetime | None = None,
        protect_content: bool | None = None, progress: Progress = None, progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A file as a document (``thumb``: a JPEG thumbnail to upload with it); None if ``progress`` stopped it."""
        make = uploaded_document("", [], force_file=bool(disable_content_type_detection))
        return await self._file(chat_id, document, make, locals())

    async def send_video(
        self, chat_id: int | str, video: Any, caption: str = "", parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None, has_spoiler: bool | None = None, ttl_seconds: int | None = None,
        duration: int = 0, width: int = 0, height: int = 0, thumb: Any = None, file_name: str | None = None,
        supports_streaming: bool = True, disable_notification: bool | None = None,
        reply_to_message_id: int | None = None, schedule_date: datetime | None = None,
        protect_content: bool | None = None, progress: Progress = None, progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A video (MP4 unless the name says otherwise)."""
        attributes = [video_attribute(duration, width, height, supports_streaming)]
        make = uploaded_document("video/mp4", attributes, spoiler=bool(has_spoiler))
        return await self._file(chat_id, video, make, locals())

    async def send_audio(
        self, chat_id: int | str, audio: Any, caption: str = "", parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None, duration: int = 0, performer: str | None = None,
        title: str | None = None, thumb: Any = None, file_name: str | None = None,
        disable_notification: bool | None = None, reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None, protect_content: bool | None = None, progress: Progress = None,
        progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A music file (MP3 unless the name says otherwise)."""
        attributes = [types.DocumentAttributeAudio(duration=duration, performer=performer, title=title)]
        return await self._file(chat_id, audio, uploaded_document("audio/mpeg", attributes), locals())

    async def send_voice(
        self, chat_id: int | str, voice: Any, caption: str = "", parse_mode: ParseMode | None = None,
        caption_entities: list[Any] | None = None, duration: int = 0, disable_notification: bool | None = None,
        reply_to_message_id: int | None = None, schedule_date: datetime | None = None,
        protect_content: bool | None = None, progress: Progress = None, progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A voice note (OGG/Opus)."""
        attributes = [types.DocumentAttributeAudio(voice=True, duration=duration)]
        return await self._file(chat_id, voice, uploaded_document("audio/ogg", attributes), locals())

    async def send_animation(
        self, chat_id: int | str, animation: Any, caption: str = "", unsave: bool = False,
        parse_mode: ParseMode | None = None, caption_entities: list[Any] | None = None,
        has_spoiler: bool | None = None, duration: int = 0, width: int = 0, height: int = 0, thumb: Any = None,
        file_name: str | None = None, disable_notification: bool | None = None,
        reply_to_message_id: int | None = None, schedule_date: datetime | None = None,
        protect_content: bool | None = None, progress: Progress = None, progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """An animation (a silent MP4 or a GIF)."""
        attributes = [video_attribute(duration, width, height, True), types.DocumentAttributeAnimated()]
        make = uploaded_document("video/mp4", attributes, spoiler=bool(has_spoiler))
        return await self._file(chat_id, animation, make, locals())

    async def send_sticker(
        self, chat_id: int | str, sticker: Any, disable_notification: bool | None = None,
        reply_to_message_id: int | None = None, schedule_date: datetime | None = None,
        protect_content: bool | None = None, progress: Progress = None, progress_args: tuple[Any, ...] = (),
    ) -> Message | None:  # fmt: skip
        """A sticker (a WebP image)."""
        attributes = [types.DocumentAttributeSticker(alt="", stickerset=types.InputStickerSetEmpty())]
        return await self._file(chat_id, sticker, uploaded_document("image/webp", attributes), locals())

    async def _file(self, chat_id: int | str, file: Any, make: Any, given: dict[str, Any]) -> Message | None:
        """``_send_file`` with the options a send_* method was given (its ``locals()``)."""
        options = {k: given[k] for k in _OPTIONS if k in given}
        return await self._send_file(chat_id, file, MediaKind.DOCUMENT, make, **options)  # type: ignore[no-any-return]


_OPTIONS = (
    "caption", "parse_mode", "caption_entities", "disable_notification", "reply_to_message_id", "schedule_date",
    "protect_content", "progress", "progress_args", "thumb", "file_name",
)  # fmt: skip
