"""``Animation``: a GIF or a silent H.264/MPEG-4 video."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class Animation(FileMedia):
    """An animation; a GIF has no video attribute, so its size and duration may be unknown (0)."""

    FILE_TYPE = FileType.ANIMATION
    FIELDS = (
        "file_id",
        "file_unique_id",
        "width",
        "height",
        "duration",
        "file_name",
        "mime_type",
        "file_size",
        "date",
        "thumbs",
    )

    def _size(self) -> tuple[int, int, int]:
        video = self._attribute(t.DocumentAttributeVideo)
        if video is not None:
            return int(video.w), int(video.h), int(video.duration)
        image = self._attribute(t.DocumentAttributeImageSize)
        return (int(image.w), int(image.h), 0) if image is not None else (0, 0, 0)

    @lazy
    def width(self) -> int:
        return self._size()[0]

    @lazy
    def height(self) -> int:
        return self._size()[1]

    @lazy
    def duration(self) -> int:
        return self._size()[2]
