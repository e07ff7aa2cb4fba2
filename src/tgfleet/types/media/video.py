"""``Video``: a video file."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class Video(FileMedia):
    """A video (``duration`` in seconds)."""

    FILE_TYPE = FileType.VIDEO
    FIELDS = (
        "file_id",
        "file_unique_id",
        "width",
        "height",
        "duration",
        "file_name",
        "mime_type",
        "file_size",
        "supports_streaming",
        "ttl_seconds",
        "date",
        "thumbs",
    )

    @lazy
    def width(self) -> int:
        return int(self._attribute(t.DocumentAttributeVideo).w)

    @lazy
    def height(self) -> int:
        return int(self._attribute(t.DocumentAttributeVideo).h)

    @lazy
    def duration(self) -> int:
        return int(self._attribute(t.DocumentAttributeVideo).duration)

    @lazy
    def supports_streaming(self) -> bool:
        return bool(self._attribute(t.DocumentAttributeVideo).supports_streaming)
