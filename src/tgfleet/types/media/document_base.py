"""``FileMedia``: what every document-based media (file, video, audio, voice, sticker...) reads alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from tgfleet.types.convert import to_date
from tgfleet.types.file_ids import FileType, document_file_id, unique_file_id
from tgfleet.types.media.thumbnail import Thumbnail
from tgfleet.types.object import List, Object, lazy


class FileMedia(Object):
    """A TL ``document`` seen as one kind of file; subclasses add the fields of their document attribute."""

    FILE_TYPE: ClassVar[FileType] = FileType.DOCUMENT
    _media: Any = None

    @classmethod
    def _parse(cls, client: Any, raw: Any, media: Any = None) -> Any:
        obj = cls._lazy(client, raw)
        obj.__dict__["_media"] = media
        return obj

    def _attribute(self, cls: type) -> Any:
        """The document's attribute of TL class ``cls``, or None."""
        return next((a for a in self._raw.attributes if isinstance(a, cls)), None)

    @lazy
    def file_id(self) -> str:
        r = self._raw
        return document_file_id(self.FILE_TYPE, r.dc_id, r.id, r.access_hash, r.file_reference)

    @lazy
    def file_unique_id(self) -> str:
        return unique_file_id(self._raw.id)

    @lazy
    def file_name(self) -> str | None:
        from tgfleet.tl import types as t

        attribute = self._attribute(t.DocumentAttributeFilename)
        return attribute.file_name if attribute is not None else None

    @lazy
    def mime_type(self) -> str:
        return str(self._raw.mime_type)

    @lazy
    def file_size(self) -> int:
        return int(self._raw.size)

    @lazy
    def date(self) -> datetime | None:
        return to_date(self._raw.date)

    @lazy
    def thumbs(self) -> List[Thumbnail] | None:
        return Thumbnail._parse_all(self._client, self._raw, self._raw.thumbs or [], FileType.THUMBNAIL)

    @lazy
    def ttl_seconds(self) -> int | None:
        return getattr(self._media, "ttl_seconds", None)
