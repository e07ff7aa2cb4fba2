"""``Thumbnail``: one smaller size of a photo, or a document's preview."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType, photo_file_id, unique_file_id
from tgfleet.types.object import List, Object, lazy


class Thumbnail(Object):
    """A thumbnail of a photo or document (``file_id`` downloads this size)."""

    FIELDS = ("file_id", "file_unique_id", "width", "height", "file_size")
    _owner: Any = None
    _file_type = FileType.THUMBNAIL

    @classmethod
    def _parse_all(cls, client: Any, owner: Any, sizes: list[Any], file_type: FileType) -> List[Thumbnail] | None:
        thumbs: List[Thumbnail] = List()
        for size in sizes:
            if isinstance(size, t.PhotoSize):
                thumb = cls._lazy(client, size)
                thumb.__dict__.update(_owner=owner, _file_type=file_type)
                thumbs.append(thumb)
        return thumbs or None

    @lazy
    def file_id(self) -> str:
        o = self._owner
        return photo_file_id(self._file_type, o.dc_id, o.id, o.access_hash, o.file_reference, self._raw.type)

    @lazy
    def file_unique_id(self) -> str:
        return unique_file_id(self._owner.id)

    @lazy
    def width(self) -> int:
        return int(self._raw.w)

    @lazy
    def height(self) -> int:
        return int(self._raw.h)

    @lazy
    def file_size(self) -> int:
        return int(self._raw.size)
