"""Pyrogram's (and the Bot API's) file ids: ``file_id`` names a file for downloading and sending again,
``file_unique_id`` stays the same for the same file across bots and accounts.

A file id is, little-endian: the file type (with a flag bit when a file reference follows) and the DC id,
the file reference as TL ``bytes``, the media id and access hash, then for photo-like files the volume id,
the thumbnail source and its fields and the local id, and last the minor and major version bytes (4.30);
the whole run-length encodes its zero bytes (a zero, then how many) and is URL-safe base64 without padding.
"""

from __future__ import annotations

import base64
import struct
from enum import IntEnum
from typing import NamedTuple

MAJOR, MINOR = 4, 30
_FILE_REFERENCE_FLAG = 1 << 25


class FileType(IntEnum):
    """The kinds of file a file id names."""

    THUMBNAIL = 0
    CHAT_PHOTO = 1
    PHOTO = 2
    VOICE = 3
    VIDEO = 4
    DOCUMENT = 5
    ENCRYPTED = 6
    TEMP = 7
    STICKER = 8
    AUDIO = 9
    ANIMATION = 10
    ENCRYPTED_THUMBNAIL = 11
    WALLPAPER = 12
    VIDEO_NOTE = 13


PHOTO_TYPES = frozenset({FileType.THUMBNAIL, FileType.CHAT_PHOTO, FileType.PHOTO, FileType.WALLPAPER})
THUMBNAIL, CHAT_PHOTO_SMALL, CHAT_PHOTO_BIG = 1, 2, 3  # thumbnail sources
_UNIQUE_DOCUMENT = 2


def _tl_bytes(data: bytes) -> bytes:
    head = bytes([len(data)]) if len(data) < 254 else b"\xfe" + len(data).to_bytes(3, "little")
    body = head + data
    return body + b"\x00" * (-len(body) % 4)


def _rle(data: bytes) -> bytes:
    out = bytearray()
    zeros = 0
    for byte in data:
        if byte == 0:
            zeros += 1
            continue
        if zeros:
            out += bytes((0, zeros))
            zeros = 0
        out.append(byte)
    if zeros:
        out += bytes((0, zeros))
    return bytes(out)


def _text(data: bytes) -> str:
    return base64.urlsafe_b64encode(_rle(data)).decode().rstrip("=")


def _head(file_type: FileType, dc_id: int, file_reference: bytes, media_id: int, access_hash: int) -> bytes:
    flags = _FILE_REFERENCE_FLAG if file_reference else 0
    head = struct.pack("<ii", file_type | flags, dc_id)
    if file_reference:
        head += _tl_bytes(file_reference)
    return head + struct.pack("<qq", media_id, access_hash)


def document_file_id(file_type: FileType, dc_id: int, media_id: int, access_hash: int, file_reference: bytes) -> str:
    """The file id of a document (a video, voice note, sticker... anything not photo-like)."""
    body = _head(file_type, dc_id, file_reference, media_id, access_hash)
    if not file_reference:
        body += struct.pack("<ii", MINOR, MAJOR)
    return _text(body + bytes((MINOR, MAJOR)))


def photo_file_id(
    file_type: FileType, dc_id: int, media_id: int, access_hash: int, file_reference: bytes, size_type: str
) -> str:
    """The file id of one size (``size_type``, such as ``"y"``) of a photo or of a document's thumbnail."""
    body = _head(file_type, dc_id, file_reference, media_id, access_hash)
    body += struct.pack("<qiii", 0, THUMBNAIL, file_type, ord(size_type) if size_type else 0)
    return _text(body + struct.pack("<i", 0) + bytes((MINOR, MAJOR)))


def chat_photo_file_id(dc_id: int, photo_id: int, big: bool, peer_id: int, peer_access_hash: int) -> str:
    """The file id of a user's or chat's profile photo, small or big."""
    body = _head(FileType.CHAT_PHOTO, dc_id, b"", photo_id, 0)
    source = CHAT_PHOTO_BIG if big else CHAT_PHOTO_SMALL
    body += struct.pack("<qiqq", 0, source, peer_id, peer_access_hash)
    return _text(body + struct.pack("<i", 0) + bytes((MINOR, MAJOR)))


def unique_file_id(media_id: int) -> str:
    """The file unique id of a photo or document: the same for the same file everywhere."""
    return _text(struct.pack("<iq", _UNIQUE_DOCUMENT, media_id))


class FileId(NamedTuple):
    """What a file id names: enough to download the file or send it again (``decode_file_id``)."""

    file_type: FileType
    dc_id: int
    media_id: int
    access_hash: int
    file_reference: bytes
    thumbnail_size: str
    """The photo size (``"y"``, ``"m"``...) for photos and thumbnails; empty for documents and profile photos."""
    peer_id: int = 0
    """A profile photo's (``CHAT_PHOTO``) peer: its marked id (a user, ``-chat_id``, ``-100...``)..."""
    peer_access_hash: int = 0
    """... and its access hash (0 for a basic group)."""
    big: bool = False
    """A profile photo's size: big (640x640) or small (160x160)."""


def _unrle(data: bytes) -> bytes:
    out = bytearray()
    at = 0
    while at < len(data):
        if data[at] == 0:
            if at + 1 >= len(data):
                raise ValueError("truncated zero run")
            out += b"\x00" * data[at + 1]
            at += 2
        else:
            out.append(data[at])
            at += 1
    return bytes(out)


MAX_FILE_ID = 1024
"""Characters a file id may have (real ones are under 200; the zero runs inflate, so the input is bounded first)."""


def decode_file_id(file_id: str) -> FileId:
    """Read a file id of a document, a photo, a thumbnail or a profile photo; ValueError naming the problem for
    anything else."""
    if not isinstance(file_id, str) or len(file_id) > MAX_FILE_ID:
        raise ValueError(f"not a file id: a str of at most {MAX_FILE_ID} characters is")
    try:
        raw = _unrle(base64.urlsafe_b64decode(file_id + "=" * (-len(file_id) % 4)))
    except (ValueError, TypeError) as e:
        raise ValueError(f"not a file id: {e}") from None
    if len(raw) < 2 or raw[-1] != MAJOR:
        raise ValueError("not a file id of version 4")
    body = raw[:-2]
    try:
        return _read_file_id(body)
    except (struct.error, IndexError):
        raise ValueError("a truncated file id") from None


def _read_file_id(body: bytes) -> FileId:
    type_flags, dc_id = struct.unpack_from("<ii", body, 0)
    at = 8
    reference = b""
    if type_flags & _FILE_REFERENCE_FLAG:
        length, at = (body[at], at + 1) if body[at] < 254 else (int.from_bytes(body[at + 1 : at + 4], "little"), at + 4)
        reference = body[at : at + length]
        if len(reference) != length:
            raise ValueError("a truncated file reference")
        at += length + (-(length + (1 if length < 254 else 4)) % 4)
    try:
        file_type = FileType(type_flags & 0xFFFF)
    except ValueError:
        raise ValueError(f"unknown file type {type_flags & 0xFFFF}") from None
    media_id, access_hash = struct.unpack_from("<qq", body, at)
    size = ""
    if file_type in PHOTO_TYPES:
        _volume, source = struct.unpack_from("<qi", body, at + 16)
        if source in (CHAT_PHOTO_SMALL, CHAT_PHOTO_BIG):
            peer, peer_hash = struct.unpack_from("<qq", body, at + 28)
            return FileId(
                file_type, dc_id, media_id, access_hash, reference, "", peer, peer_hash, source == CHAT_PHOTO_BIG
            )
        if source != THUMBNAIL:
            raise ValueError(f"photo source {source} is not supported")
        _type, letter = struct.unpack_from("<ii", body, at + 28)
        size = chr(letter) if letter else ""
    return FileId(file_type, dc_id, media_id, access_hash, reference, size)
