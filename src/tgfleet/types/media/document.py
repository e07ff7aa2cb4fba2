"""``Document``: a general file."""

from __future__ import annotations

from tgfleet.types.media.document_base import FileMedia


class Document(FileMedia):
    """A file that is not a photo, video, audio, voice note, sticker or animation."""

    FIELDS = ("file_id", "file_unique_id", "file_name", "mime_type", "file_size", "date", "thumbs")
