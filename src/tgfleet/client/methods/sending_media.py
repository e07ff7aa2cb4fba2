"""What the media methods send: a file id as ``inputMediaPhoto`` / ``inputMediaDocument``, an upload as
``inputMediaUploadedPhoto`` / ``inputMediaUploadedDocument`` with the attributes of its kind (video, audio,
voice, animation, sticker), and an album's items stored with ``messages.uploadMedia`` first (as Telegram wants for
``messages.sendMultiMedia``)."""

from __future__ import annotations

import enum
import mimetypes
from pathlib import Path
from typing import Any, Protocol

from tgfleet.tl import functions, types
from tgfleet.types import InputMedia, InputMediaAudio, InputMediaPhoto, InputMediaVideo
from tgfleet.types.file_ids import PHOTO_TYPES, decode_file_id


class MediaKind(enum.Enum):
    PHOTO = "photo"
    DOCUMENT = "document"


def is_local(file: Any) -> bool:
    """Whether ``file`` is to be uploaded (a path, bytes, a file object) rather than a file id; a str that is
    neither an existing file nor a file id raises FileNotFoundError."""
    if not isinstance(file, str):
        return True
    if Path(file).is_file():
        return True
    try:
        decode_file_id(file)
    except ValueError:
        raise FileNotFoundError(f"{file!r} is neither a file nor a file id") from None
    return False


def by_file_id(file_id: str, kind: MediaKind) -> types.TypeInputMedia:
    """The ``InputMedia`` that sends a file Telegram has again."""
    fid = decode_file_id(file_id)
    if (fid.file_type in PHOTO_TYPES) != (kind is MediaKind.PHOTO):
        raise ValueError(f"this file id names a {fid.file_type.name.lower()}, not a {kind.value}")
    if kind is MediaKind.PHOTO:
        photo = types.InputPhoto(id=fid.media_id, access_hash=fid.access_hash, file_reference=fid.file_reference)
        return types.InputMediaPhoto(id=photo)
    document = types.InputDocument(id=fid.media_id, access_hash=fid.access_hash, file_reference=fid.file_reference)
    return types.InputMediaDocument(id=document)


def mime_of(name: str, default: str) -> str:
    return mimetypes.guess_type(name)[0] or default


def uploaded_document(mime: str, attributes: list[Any], *, force_file: bool = False, spoiler: bool = False) -> Any:
    """The builder of an ``inputMediaUploadedDocument`` (``(file, thumb) -> InputMedia``); ``mime`` empty: guessed
    from the file's name."""

    def make(file: types.TypeInputFile, thumb: types.TypeInputFile | None) -> types.InputMediaUploadedDocument:
        name = getattr(file, "name", "") or "file"
        attrs = [*attributes, types.DocumentAttributeFilename(file_name=name)]
        return types.InputMediaUploadedDocument(
            file=file, thumb=thumb, mime_type=mime or mime_of(name, "application/octet-stream"), attributes=attrs,
            force_file=force_file, spoiler=spoiler,
        )  # fmt: skip

    return make


def video_attribute(duration: float, width: int, height: int, streaming: bool) -> types.DocumentAttributeVideo:
    return types.DocumentAttributeVideo(duration=float(duration), w=width, h=height, supports_streaming=streaming)


class _Client(Protocol):
    async def save_file(self, path: Any) -> Any: ...

    async def invoke(self, query: Any) -> Any: ...


async def input_single(client: _Client, peer: Any, item: InputMedia) -> types.TypeInputMedia:
    """An album item as stored media: a file id as is, an upload through messages.uploadMedia."""
    if isinstance(item, InputMediaPhoto):
        if not is_local(item.media):
            return by_file_id(item.media, MediaKind.PHOTO)
        uploaded: Any = types.InputMediaUploadedPhoto(file=await client.save_file(item.media),
                                                      spoiler=bool(item.has_spoiler))  # fmt: skip
    else:
        if not is_local(item.media):
            return by_file_id(item.media, MediaKind.DOCUMENT)
        file = await client.save_file(item.media)
        thumb_source = getattr(item, "thumb", None)
        thumb = None if thumb_source is None else await client.save_file(thumb_source)
        uploaded = uploaded_document("", _album_attributes(item))(file, thumb)
    stored = await client.invoke(functions.messages.UploadMedia(peer=peer, media=uploaded))
    return _by_id(stored)


def _album_attributes(item: InputMedia) -> list[Any]:
    if isinstance(item, InputMediaVideo):
        return [video_attribute(item.duration, item.width, item.height, item.supports_streaming)]
    if isinstance(item, InputMediaAudio):
        return [types.DocumentAttributeAudio(duration=item.duration, performer=item.performer or None,
                                             title=item.title or None)]  # fmt: skip
    return []


def _by_id(stored: Any) -> types.TypeInputMedia:
    if isinstance(stored, types.MessageMediaPhoto) and isinstance(stored.photo, types.Photo):
        p = stored.photo
        return types.InputMediaPhoto(id=types.InputPhoto(id=p.id, access_hash=p.access_hash,
                                                         file_reference=p.file_reference))  # fmt: skip
    if isinstance(stored, types.MessageMediaDocument) and isinstance(stored.document, types.Document):
        d = stored.document
        return types.InputMediaDocument(id=types.InputDocument(id=d.id, access_hash=d.access_hash,
                                                               file_reference=d.file_reference))  # fmt: skip
    raise ValueError(f"messages.uploadMedia answered {type(stored).__name__}")


def input_media_of(media: Any) -> types.TypeInputMedia | None:
    """The ``InputMedia`` that sends a message's ``media`` again (``copy_message``): a photo or file by its id,
    access hash and file reference, a point, venue, contact or dice by its fields; None for what cannot be sent
    again this way (polls, games, invoices, web pages: a web page's message is sent as its text)."""
    if isinstance(media, types.MessageMediaPhoto) and isinstance(media.photo, types.Photo):
        photo = media.photo
        ref = types.InputPhoto(id=photo.id, access_hash=photo.access_hash, file_reference=photo.file_reference)
        return types.InputMediaPhoto(id=ref, spoiler=media.spoiler)
    if isinstance(media, types.MessageMediaDocument) and isinstance(media.document, types.Document):
        doc = media.document
        file = types.InputDocument(id=doc.id, access_hash=doc.access_hash, file_reference=doc.file_reference)
        return types.InputMediaDocument(id=file, spoiler=media.spoiler)
    if isinstance(media, types.MessageMediaGeo) and isinstance(media.geo, types.GeoPoint):
        return types.InputMediaGeoPoint(geo_point=types.InputGeoPoint(lat=media.geo.lat, long=media.geo.long))
    if isinstance(media, types.MessageMediaVenue) and isinstance(media.geo, types.GeoPoint):
        point = types.InputGeoPoint(lat=media.geo.lat, long=media.geo.long)
        return types.InputMediaVenue(
            geo_point=point, title=media.title, address=media.address, provider=media.provider,
            venue_id=media.venue_id, venue_type=media.venue_type,
        )  # fmt: skip
    if isinstance(media, types.MessageMediaContact):
        return types.InputMediaContact(phone_number=media.phone_number, first_name=media.first_name,
                                       last_name=media.last_name, vcard=media.vcard)  # fmt: skip
    if isinstance(media, types.MessageMediaDice):
        return types.InputMediaDice(emoticon=media.emoticon)
    return None
