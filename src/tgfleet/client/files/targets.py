"""What a download names: a TL ``MessageMedia`` (a message's photo or document), a Pyrogram media object (its
``file_id`` and size) or a file id string, as a :class:`Target`: the location, the DC holding the file, the size
when known, a file name.

A photo downloads in its largest size; a document as itself; a thumbnail's file id as that thumbnail; a profile
photo's file id (``ChatPhoto.small_file_id`` / ``big_file_id``) by its peer (``inputPeerPhotoFileLocation``). Anything
else (a location, a contact, a message without media) raises ``ValueError`` saying so.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

from tgfleet.tl import types
from tgfleet.types.convert import CHANNEL_ZERO
from tgfleet.types.file_ids import PHOTO_TYPES, FileType, decode_file_id


@dataclass(frozen=True)
class Target:
    location: types.TypeInputFileLocation
    dc_id: int
    size: int | None
    file_name: str


def _largest(photo: types.Photo) -> tuple[str, int]:
    best: tuple[int, str, int] | None = None
    for size in photo.sizes:
        if isinstance(size, types.PhotoSize):
            area, length = size.w * size.h, size.size
        elif isinstance(size, types.PhotoSizeProgressive):
            area, length = size.w * size.h, max(size.sizes, default=0)
        else:
            continue
        if best is None or area > best[0]:
            best = (area, size.type, length)
    if best is None:
        raise ValueError("the photo has no downloadable size")
    return best[1], best[2]


def _name(prefix: str, media_id: int, mime_type: str | None) -> str:
    extension = (mimetypes.guess_extension(mime_type) if mime_type else None) or ""
    return f"{prefix}_{media_id & (2**63 - 1)}{extension}"


def of_media(media: Any) -> Target:
    """The target of a TL ``MessageMedia`` (ValueError for media without a file)."""
    if isinstance(media, types.MessageMediaPhoto) and isinstance(media.photo, types.Photo):
        photo = media.photo
        kind, size = _largest(photo)
        location = types.InputPhotoFileLocation(
            id=photo.id, access_hash=photo.access_hash, file_reference=photo.file_reference, thumb_size=kind
        )
        return Target(location, photo.dc_id, size, _name("photo", photo.id, "image/jpeg"))
    if isinstance(media, types.MessageMediaDocument) and isinstance(media.document, types.Document):
        doc = media.document
        document = types.InputDocumentFileLocation(
            id=doc.id, access_hash=doc.access_hash, file_reference=doc.file_reference, thumb_size=""
        )
        named = next((a.file_name for a in doc.attributes if isinstance(a, types.DocumentAttributeFilename)), None)
        return Target(document, doc.dc_id, doc.size, named or _name("document", doc.id, doc.mime_type))
    raise ValueError(f"this message has no file to download ({type(media).__name__})")


def _peer(marked_id: int, access_hash: int) -> types.TypeInputPeer:
    """The ``InputPeer`` of a profile photo's peer: a user, a basic group (no access hash) or a channel."""
    if marked_id > 0:
        return types.InputPeerUser(user_id=marked_id, access_hash=access_hash)
    if access_hash == 0:
        return types.InputPeerChat(chat_id=-marked_id)
    return types.InputPeerChannel(channel_id=CHANNEL_ZERO - marked_id, access_hash=access_hash)


def of_file_id(file_id: str, size: int | None = None, file_name: str | None = None) -> Target:
    """The target a file id names (ValueError for a malformed one)."""
    fid = decode_file_id(file_id)
    location: types.TypeInputFileLocation
    if fid.file_type is FileType.CHAT_PHOTO:
        peer = _peer(fid.peer_id, fid.peer_access_hash)
        location = types.InputPeerPhotoFileLocation(big=fid.big, peer=peer, photo_id=fid.media_id)
        return Target(location, fid.dc_id, size, file_name or _name("chat_photo", fid.media_id, "image/jpeg"))
    if fid.file_type in PHOTO_TYPES and fid.file_type is not FileType.THUMBNAIL:
        location = types.InputPhotoFileLocation(
            id=fid.media_id, access_hash=fid.access_hash, file_reference=fid.file_reference,
            thumb_size=fid.thumbnail_size,
        )  # fmt: skip
        prefix = "photo"
    else:
        location = types.InputDocumentFileLocation(
            id=fid.media_id, access_hash=fid.access_hash, file_reference=fid.file_reference,
            thumb_size=fid.thumbnail_size,
        )  # fmt: skip
        prefix = fid.file_type.name.lower()
    return Target(location, fid.dc_id, size, file_name or _name(prefix, fid.media_id, None))
