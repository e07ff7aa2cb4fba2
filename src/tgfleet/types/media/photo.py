"""``Photo``: a photo, in its largest size (the others are ``thumbs``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.convert import to_date
from tgfleet.types.file_ids import FileType, photo_file_id, unique_file_id
from tgfleet.types.media.thumbnail import Thumbnail
from tgfleet.types.object import List, Object, lazy


def _sizes(photo: Any) -> list[Any]:
    """The photo's sizes with dimensions, smallest first (a progressive size counts at its largest)."""
    sizes = []
    for size in photo.sizes:
        if isinstance(size, t.PhotoSize):
            sizes.append(size)
        elif isinstance(size, t.PhotoSizeProgressive):
            sizes.append(t.PhotoSize(type=size.type, w=size.w, h=size.h, size=max(size.sizes, default=0)))
    sizes.sort(key=lambda s: s.w * s.h)
    return sizes


class Photo(Object):
    """A photo; ``file_id`` downloads (or sends again) its largest size."""

    FIELDS = ("file_id", "file_unique_id", "width", "height", "file_size", "date", "ttl_seconds", "thumbs")
    _media: Any = None

    @classmethod
    def _parse(cls, client: Any, raw: Any, media: Any = None) -> Photo | None:
        if not isinstance(raw, t.Photo) or not _sizes(raw):
            return None
        photo = cls._lazy(client, raw)
        photo.__dict__["_media"] = media
        return photo

    @lazy
    def _main(self) -> Any:
        return _sizes(self._raw)[-1]

    @lazy
    def file_id(self) -> str:
        r = self._raw
        return photo_file_id(FileType.PHOTO, r.dc_id, r.id, r.access_hash, r.file_reference, self._main.type)

    @lazy
    def file_unique_id(self) -> str:
        return unique_file_id(self._raw.id)

    @lazy
    def width(self) -> int:
        return int(self._main.w)

    @lazy
    def height(self) -> int:
        return int(self._main.h)

    @lazy
    def file_size(self) -> int:
        return int(self._main.size)

    @lazy
    def date(self) -> datetime | None:
        return to_date(self._raw.date)

    @lazy
    def ttl_seconds(self) -> int | None:
        return getattr(self._media, "ttl_seconds", None)

    @lazy
    def thumbs(self) -> List[Thumbnail] | None:
        sizes = [s for s in self._raw.sizes if isinstance(s, t.PhotoSize)]
        sizes.sort(key=lambda s: s.w * s.h)
        return Thumbnail._parse_all(self._client, self._raw, sizes[:-1], FileType.PHOTO)
