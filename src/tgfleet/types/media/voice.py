"""``Voice``: a voice note."""

from __future__ import annotations

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType
from tgfleet.types.media.document_base import FileMedia
from tgfleet.types.object import lazy


class Voice(FileMedia):
    """A voice note (``waveform``: its 5-bit amplitude samples, packed)."""

    FILE_TYPE = FileType.VOICE
    FIELDS = ("file_id", "file_unique_id", "duration", "waveform", "mime_type", "file_size", "date")

    @lazy
    def duration(self) -> int:
        return int(self._attribute(t.DocumentAttributeAudio).duration)

    @lazy
    def waveform(self) -> bytes | None:
        return self._attribute(t.DocumentAttributeAudio).waveform  # type: ignore[no-any-return]
