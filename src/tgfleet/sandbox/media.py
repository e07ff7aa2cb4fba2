"""A message's media: made from the ``InputMedia`` of messages.sendMedia / sendMultiMedia / uploadMedia, rendered
as the ``MessageMedia`` a viewer gets, each time with fresh file references (``files.py``).

What the sandbox models (https://core.telegram.org/api/files, https://core.telegram.org/constructor/photo):

- ``inputMediaUploadedPhoto``: the uploaded bytes must be a PNG, JPEG or WebP image (IMAGE_PROCESS_FAILED
  otherwise; PHOTO_INVALID_DIMENSIONS when width + height exceed 10000 or one side is over 20 times the other).
  The photo has two sizes: ``m`` (its dimensions scaled to fit 320x320) and the full size (``x`` up to 800,
  ``y`` up to 1280, ``w`` above), named as Telegram names them (https://core.telegram.org/api/files#image-thumbnail-types).
  The sandbox resamples nothing: both serve the uploaded bytes.
- ``inputMediaUploadedDocument``: the bytes as they are, the client's MIME type (``application/octet-stream`` if
  empty) and attributes (a ``documentAttributeFilename`` from the uploaded file's name when the client gave none),
  and the client's thumbnail (``thumb``) as the document's ``m`` thumb. ``messageMediaDocument`` says ``voice``,
  ``round`` or ``video`` by the attributes; a voice message or round video is ``media_unread`` until played
  (``plays``).
- ``inputMediaPhoto`` / ``inputMediaDocument``: a stored file again, by id, access hash and a live file reference
  (FILE_REFERENCE_EXPIRED otherwise, MEDIA_INVALID for an unknown file); ``inputMediaGeoPoint`` (GEO_POINT_INVALID
  outside the globe), ``inputMediaContact`` (the contact's ``user_id`` when the phone is an account's).
  Anything else is MEDIA_INVALID; an empty input is MEDIA_EMPTY.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tgfleet import errors
from tgfleet.sandbox.files import DOCUMENT, PHOTO, FileMeta, FileStore, StoredFile
from tgfleet.sandbox.images import image_size
from tgfleet.sandbox.uploads import Uploads
from tgfleet.tl import types

THUMB_BOX = 320
DEFAULT_MIME = "application/octet-stream"


class SandboxMedia(Protocol):
    """What a stored message keeps of its media: how to render it for a viewer."""

    def tl(self) -> types.TypeMessageMedia: ...


@dataclass(frozen=True)
class FixedMedia:
    """Media without files (a location, a contact): the same for every viewer."""

    media: types.TypeMessageMedia

    def tl(self) -> types.TypeMessageMedia:
        return self.media


@dataclass(frozen=True)
class FileMedia:
    """A photo or document: rendered with a fresh file reference from ``reference`` each time."""

    file: StoredFile
    reference: Callable[[int], bytes]
    spoiler: bool = False

    def tl(self) -> types.TypeMessageMedia:
        ref = self.reference(self.file.id)
        if self.file.meta.kind == PHOTO:
            return types.MessageMediaPhoto(photo=photo_tl(self.file, ref), spoiler=self.spoiler)
        attributes = self.file.meta.attributes
        video = next((a for a in attributes if isinstance(a, types.DocumentAttributeVideo)), None)
        audio = next((a for a in attributes if isinstance(a, types.DocumentAttributeAudio)), None)
        return types.MessageMediaDocument(
            document=document_tl(self.file, ref),
            spoiler=self.spoiler,
            voice=audio is not None and audio.voice,
            round=video is not None and video.round_message,
            video=video is not None and not video.round_message,
        )


def plays(media: Any) -> bool:
    """Whether ``media`` is a voice message or a round video: ``media_unread`` until its recipient plays it
    (https://core.telegram.org/method/messages.readMessageContents)."""
    if not isinstance(media, FileMedia) or media.file.meta.kind == PHOTO:
        return False
    for attribute in media.file.meta.attributes:
        if isinstance(attribute, types.DocumentAttributeAudio) and attribute.voice:
            return True
        if isinstance(attribute, types.DocumentAttributeVideo) and attribute.round_message:
            return True
    return False


def photo_sizes(width: int, height: int, size: int) -> list[types.TypePhotoSize]:
    """The ``m`` thumbnail (fit into 320x320) and the full size, as ``photoSize``s."""
    scale = min(1.0, THUMB_BOX / max(width, height, 1))
    full = "x" if max(width, height) <= 800 else "y" if max(width, height) <= 1280 else "w"
    thumb = types.PhotoSize(type="m", w=max(1, round(width * scale)), h=max(1, round(height * scale)), size=size)
    return [thumb, types.PhotoSize(type=full, w=width, h=height, size=size)]


def photo_tl(file: StoredFile, reference: bytes) -> types.Photo:
    sizes = photo_sizes(file.meta.width, file.meta.height, len(file.data))
    return types.Photo(
        id=file.id, access_hash=file.access_hash, file_reference=reference, date=file.date, sizes=sizes,
        dc_id=file.dc_id,
    )  # fmt: skip


def document_tl(file: StoredFile, reference: bytes) -> types.Document:
    meta = file.meta
    thumbs: list[types.TypePhotoSize] | None = None
    if meta.thumb is not None:
        width, height = image_size(meta.thumb) or (0, 0)
        thumbs = [types.PhotoSize(type="m", w=width, h=height, size=len(meta.thumb))]
    return types.Document(
        id=file.id, access_hash=file.access_hash, file_reference=reference, date=file.date,
        mime_type=meta.mime_type, size=len(file.data), thumbs=thumbs, dc_id=file.dc_id,
        attributes=list(meta.attributes),
    )  # fmt: skip


class MediaMaker:
    """Turns ``InputMedia`` into :class:`SandboxMedia`, taking uploads from ``uploads`` and storing them in
    ``files``; ``account_of_phone`` names the account of a contact's phone (0: none)."""

    def __init__(self, uploads: Uploads, files: FileStore, account_of_phone: Callable[[str], int]) -> None:
        self._uploads = uploads
        self._files = files
        self._account_of_phone = account_of_phone

    def make(self, user_id: int, dc_id: int, media: types.TypeInputMedia) -> SandboxMedia:
        if isinstance(media, types.InputMediaEmpty):
            raise errors.MediaEmpty()
        if isinstance(media, types.InputMediaUploadedPhoto):
            return self._uploaded_photo(user_id, dc_id, media)
        if isinstance(media, types.InputMediaUploadedDocument):
            return self._uploaded_document(user_id, dc_id, media)
        if isinstance(media, types.InputMediaPhoto | types.InputMediaDocument):
            return self._stored(media)
        if isinstance(media, types.InputMediaGeoPoint):
            return FixedMedia(types.MessageMediaGeo(geo=_geo(media.geo_point)))
        if isinstance(media, types.InputMediaContact):
            return FixedMedia(_contact(media, self._account_of_phone(media.phone_number)))
        raise errors.MediaInvalid()

    def _uploaded_photo(self, user_id: int, dc_id: int, media: types.InputMediaUploadedPhoto) -> FileMedia:
        data = self._uploads.take(user_id, media.file)
        dimensions = image_size(data)
        if dimensions is None:
            raise errors.ImageProcessFailed()
        width, height = dimensions
        if width < 1 or height < 1 or width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise errors.PhotoInvalidDimensions()
        stored = self._files.add(dc_id, data, FileMeta(PHOTO, "image/jpeg", width=width, height=height))
        return FileMedia(stored, self._files.reference, spoiler=media.spoiler)

    def _uploaded_document(self, user_id: int, dc_id: int, media: types.InputMediaUploadedDocument) -> FileMedia:
        data = self._uploads.take(user_id, media.file)
        thumb = None if media.thumb is None else self._uploads.take(user_id, media.thumb)
        attributes: list[Any] = list(media.attributes)
        name = getattr(media.file, "name", "")
        if name and not any(isinstance(a, types.DocumentAttributeFilename) for a in attributes):
            attributes.append(types.DocumentAttributeFilename(file_name=name))
        meta = FileMeta(DOCUMENT, media.mime_type or DEFAULT_MIME, tuple(attributes), thumb)
        return FileMedia(self._files.add(dc_id, data, meta), self._files.reference, spoiler=media.spoiler)

    def _stored(self, media: types.InputMediaPhoto | types.InputMediaDocument) -> FileMedia:
        given = media.id
        if not isinstance(given, types.InputPhoto | types.InputDocument):
            raise errors.MediaEmpty()
        kind = PHOTO if isinstance(media, types.InputMediaPhoto) else DOCUMENT
        try:
            stored = self._files.get(kind, given.id, given.access_hash, given.file_reference)
        except errors.FileIdInvalid:
            raise errors.MediaInvalid() from None
        return FileMedia(stored, self._files.reference, spoiler=media.spoiler)


def _geo(point: types.TypeInputGeoPoint) -> types.GeoPoint:
    if not isinstance(point, types.InputGeoPoint):
        raise errors.GeoPointInvalid()
    lat, long = point.lat, point.long
    if not (math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90 and -180 <= long <= 180):
        raise errors.GeoPointInvalid()
    return types.GeoPoint(lat=lat, long=long, access_hash=0, accuracy_radius=point.accuracy_radius)


def _contact(media: types.InputMediaContact, user_id: int) -> types.MessageMediaContact:
    if not media.first_name.strip():
        raise errors.ContactNameEmpty()
    return types.MessageMediaContact(
        phone_number=media.phone_number, first_name=media.first_name, last_name=media.last_name,
        vcard=media.vcard, user_id=user_id,
    )  # fmt: skip
