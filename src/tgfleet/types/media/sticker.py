"""``Sticker``: a sticker (static, animated or video)."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class Sticker(FileMedia):
    """A sticker; ``emoji`` is the emoji it stands for, ``is_animated`` for TGS, ``is_video`` for WebM."""

    FILE_TYPE = FileType.STICKER
    FIELDS = (
        "file_id",
        "file_unique_id",
        "width",
        "height",
        "is_animated",
        "is_video",
        "file_name",
        "mime_type",
        "file_size",
        "date",
        "emoji",
        "thumbs",
    )

    def _size(self) -> tuple[int, int]:
        found = self._attribute(t.DocumentAttributeImageSize) or self._attribute(t.DocumentAttributeVideo)
        return (int(found.w), int(found.h)) if found is not None else (512, 512)

    @lazy
    def width(self) -> int:
        return self._size()[0]

    @lazy
    def height(self) -> int:
        return self._size()[1]

    @lazy
    def is_animated(self) -> bool:
        return bool(self._raw.mime_type == "application/x-tgsticker")

    @lazy
    def is_video(self) -> bool:
        return bool(self._raw.mime_type == "video/webm")

    @lazy
    def emoji(self) -> str | None:
        sticker = self._attribute(t.DocumentAttributeSticker)
        return (sticker.alt or None) if sticker is not None else None
