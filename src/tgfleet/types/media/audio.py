"""``Audio``: a music file."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class Audio(FileMedia):
    """An audio file shown as music (``performer``, ``title`` from its tags)."""

    FILE_TYPE = FileType.AUDIO
    FIELDS = (
        "file_id",
        "file_unique_id",
        "duration",
        "performer",
        "title",
        "file_name",
        "mime_type",
        "file_size",
        "date",
        "thumbs",
    )

    @lazy
    def duration(self) -> int:
        return int(self._attribute(t.DocumentAttributeAudio).duration)

    @lazy
    def performer(self) -> str | None:
        return self._attribute(t.DocumentAttributeAudio).performer  # type: ignore[no-any-return]

    @lazy
    def title(self) -> str | None:
        return self._attribute(t.DocumentAttributeAudio).title  # type: ignore[no-any-return]
