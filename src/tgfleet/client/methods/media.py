"""Sending media with Pyrogram's signatures: send_photo, send_document, send_video, send_audio, send_voice,
send_animation, send_sticker (``sending_media.py`` builds each ``InputMedia``), send_media_group, send_location,
send_contact, and save_file (an upload alone).

A file is a path, bytes, a binary file object, or the ``file_id`` of a file Telegram has (sent again without an
upload). Uploads go in parts on media connections (``client/files/uploader.py``); ``progress(current, total,
*progress_args)`` is called as parts are done, and raising ``StopTransmission`` in it stops the upload (the
method returns None). The caption is read as Markdown and HTML unless ``caption_entities`` are given (1024
UTF-16 code units at most: MediaCaptionTooLong before any request).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tgfleet import errors
from tgfleet.client.files.progress import Progress
from tgfleet.client.files.sources import open_source
from tgfleet.client.files.uploader import Uploader
from tgfleet.client.methods.messages import MessageMethods, utf16_length
from tgfleet.client.methods.sending_media import MediaKind, by_file_id, input_single, is_local
from tgfleet.client.peers import check_chat_id
from tgfleet.enums import ParseMode
from tgfleet.handlers import StopTransmission
from tgfleet.parser import parse as parse_markup
from tgfleet.tl import functions, types
from tgfleet.types import InputMedia, List, Message

MAX_CAPTION = 1024
"""Telegram's limit on a caption, in UTF-16 code units."""

Uploaded = Callable[[Any, Any], Any]
"""Builds the ``InputMedia`` of an upload: ``(InputFile, thumb InputFile | None) -> InputMedia``."""


class MediaMethods(MessageMethods):
    async def save_file(
        self, path: Any, *, file_name: str | None = None, progress: Callable[..., Any] | None = None,
        progress_args: tuple[Any, ...] = (),
    ) -> types.InputFile | types.InputFileBig:  # fmt: skip
        """Upload ``path`` (a path, bytes or a binary file object) in parts and return its ``InputFile``, for a
        raw ``messages.sendMedia`` or ``uploadMedia``. ``StopTransmission`` from ``progress`` propagates here.
        At most ``max_concurrent_transmissions`` files upload at a time; the others wait their turn. The extra media
        connections a file's parts went on close when the last upload ends (one per DC stays, for the next)."""
        source = open_source(path, file_name)
        try:
            async with self._upload_slots:
                self._uploads += 1
                try:
                    return await Uploader(lambda q, lane: self.invoke(q, media=True, lane=lane)).upload(
                        source, Progress(progress, source.size, progress_args)
                    )
                finally:
                    self._uploads -= 1
                    if self._uploads == 0 and self._parts is not None:  # (the lanes went with a disconnect)
                        await self._parts.dcs.close_lanes()
        finally:
            source.close()

    async def _media_of(
        self, file: Any, kind: MediaKind, make: Uploaded, thumb: Any, file_name: str | None,
        progress: Callable[..., Any] | None, progress_args: tuple[Any, ...],
    ) -> Any:  # fmt: skip
        """The ``InputMedia`` for ``file``: by file id, or uploaded (with its thumbnail) and built by ``make``."""
        if not is_local(file):
            return by_file_id(file, kind)
        uploaded = await self.save_file(file, file_name=file_name, progress=progress, progress_args=progress_args)
        thumb_file = None if thumb is None else await self.save_file(thumb)
        return make(uploaded, thumb_file)

    def _caption(self, caption: str, parse_mode: ParseMode | None, entities: list[Any] | None) -> tuple[str, Any]:
        if not isinstance(caption, str):
            raise TypeError(f"caption must be a str, not {type(caption).__name__}")
        if entities is None and caption:  # no caption: nothing to parse
            caption, parsed = parse_markup(caption, parse_mode or self.parse_mode)
            entities = list(parsed)
        if (length := utf16_length(caption)) > MAX_CAPTION:
            detail = f"{length} UTF-16 code units, Telegram allows {MAX_CAPTION}; nothing was sent"
            raise errors.MediaCaptionTooLong(detail=detail)
        return caption, entities or None

    async def _send_media(self, chat_id: int | str, media: Any, caption: str = "", **options: Any) -> Message:
        """messages.sendMedia with a caption and the send options of every send_* method."""
        check_chat_id(chat_id)
        text, entities = self._caption(caption, options.get("parse_mode"), options.get("caption_entities"))
        peer = await self.resolve_peer(chat_id)
        request = functions.messages.SendMedia(
            peer=peer, media=media, message=text, random_id=self.new_random_id(), entities=entities,
            reply_to=_reply_to(options.get("reply_to_message_id")), silent=bool(options.get("disable_notification")),
            noforwards=bool(options.get("protect_content")), schedule_date=_date(options.get("schedule_date")),
        )  # fmt: skip
        return self._sent_message(await self.invoke(request), request)  # type: ignore[arg-type]

    async def _send_file(self, chat_id: int | str, file: Any, kind: MediaKind, make: Uploaded, **options: Any) -> Any:
        """Upload (or name by file id) and send; None when the progress callback stopped the upload."""
        try:
            media = await self._media_of(
                file, kind, make, options.pop("thumb", None), options.pop("file_name", None),
                options.pop("progress", None), options.pop("progress_args", ()),
            )  # fmt: skip
        except StopTransmission:
            return None
        return await self._send_media(chat_id, media, **options)

    async def send_media_group(
        self,
        chat_id: int | str,
        media: list[InputMedia],
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
    ) -> List[Message]:
        """An album of 2–10 photos and videos (or documents, or audio): each uploaded and stored with
        messages.uploadMedia first, then sent at once (messages.sendMultiMedia); the messages in order."""
        check_chat_id(chat_id)
        if not isinstance(media, list) or not 1 <= len(media) <= 10:
            raise ValueError("media must be a list of 1 to 10 InputMedia")
        peer = await self.resolve_peer(chat_id)
        items = []
        for item in media:
            if not isinstance(item, InputMedia):
                raise TypeError(f"media items must be InputMediaPhoto/Video/Audio/Document, not {type(item).__name__}")
            stored = await input_single(self, peer, item)
            text, entities = self._caption(item.caption, item.parse_mode, item.caption_entities)
            items.append(types.InputSingleMedia(media=stored, random_id=self.new_random_id(), message=text,
                                                entities=entities))  # fmt: skip
        request = functions.messages.SendMultiMedia(
            peer=peer, multi_media=items, reply_to=_reply_to(reply_to_message_id), silent=bool(disable_notification),
            noforwards=bool(protect_content), schedule_date=_date(schedule_date),
        )  # fmt: skip
        return self._album(await self.invoke(request), [i.random_id for i in items])

    def _album(self, result: Any, random_ids: list[int]) -> List[Message]:
        updates = getattr(result, "updates", [])
        ids = {u.random_id: u.id for u in updates if isinstance(u, types.UpdateMessageID)}
        users = {u.id: u for u in getattr(result, "users", [])}
        chats = {c.id: c for c in getattr(result, "chats", [])}
        by_id = {
            u.message.id: (u.message, isinstance(u, types.UpdateNewScheduledMessage))
            for u in updates
            if isinstance(getattr(u, "message", None), types.Message)
        }  # fmt: skip
        found = [by_id.get(ids.get(r, 0)) for r in random_ids]
        if any(m is None for m in found):
            raise errors.BadRequest(ID="SENT_MESSAGE_NOT_IN_ANSWER")
        return List(Message._parse(self, m, users, chats, is_scheduled=s) for m, s in filter(None, found))

    async def send_location(
        self,
        chat_id: int | str,
        latitude: float,
        longitude: float,
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
    ) -> Message:
        """A point on the map (GeoPointInvalid outside the globe)."""
        point = types.InputGeoPoint(lat=float(latitude), long=float(longitude))
        return await self._send_media(
            chat_id, types.InputMediaGeoPoint(geo_point=point), disable_notification=disable_notification,
            reply_to_message_id=reply_to_message_id, schedule_date=schedule_date, protect_content=protect_content,
        )  # fmt: skip

    async def send_contact(
        self,
        chat_id: int | str,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        vcard: str | None = None,
        disable_notification: bool | None = None,
        reply_to_message_id: int | None = None,
        schedule_date: datetime | None = None,
        protect_content: bool | None = None,
    ) -> Message:
        """A contact card (its ``user_id`` is the account with that phone, if any)."""
        card = types.InputMediaContact(
            phone_number=phone_number, first_name=first_name, last_name=last_name or "", vcard=vcard or ""
        )
        return await self._send_media(
            chat_id, card, disable_notification=disable_notification, reply_to_message_id=reply_to_message_id,
            schedule_date=schedule_date, protect_content=protect_content,
        )  # fmt: skip


def _reply_to(message_id: int | None) -> types.InputReplyToMessage | None:
    return types.InputReplyToMessage(reply_to_msg_id=message_id) if message_id else None


def _date(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())
