"""``VideoNote``: a round video message."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class VideoNote(FileMedia):
    """A round video (``length``: its diameter in pixels)."""

    FILE_TYPE = FileType.VIDEO_NOTE
    FIELDS = ("file_id", "file_unique_id", "length", "duration", "thumbs", "mime_type", "file_size", "date")

    @lazy
    def length(self) -> int:
        return int(self._attribute(t.DocumentAttributeVideo).w)

    @lazy
    def duration(self) -> int:
        return int(self._attribute(t.DocumentAttributeVideo).duration)
