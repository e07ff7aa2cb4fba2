"""``Uploads``: the parts of unfinished uploads, per account, until ``messages.sendMedia`` (or ``uploadMedia``)
names the file and takes its bytes (https://core.telegram.org/api/files#uploading-files).

- ``save(user, file_id, part, data, total)``: ``total`` is None for ``upload.saveFilePart`` and the file's number
  of parts for ``upload.saveBigFilePart``. FILE_PART_INVALID for a part number outside 0..3999 (or not below
  ``total``), FILE_PARTS_INVALID for a ``total`` outside 1..4000 or changed between parts, FILE_PART_EMPTY,
  FILE_PART_TOO_BIG above 512 KB, FILE_PART_SIZE_INVALID for a part that is not the last one and whose size is not
  a multiple of 1 KB dividing 512 KB. Saving a part again replaces it (a client retrying a part is normal).
- ``take(user, input_file)``: the whole file for an ``inputFile`` / ``inputFileBig``, and the upload is gone.
  FILE_PART_X_MISSING for the first missing part (FILE_PART_0_MISSING for an upload never started),
  FILE_PART_SIZE_INVALID when the parts are not all of one size (the last may be smaller), FILE_PARTS_INVALID when
  ``parts`` is not the number of parts uploaded, a small upload is above 10 MB, or a big one is named by an
  ``inputFile`` (or the other way round), MD5_CHECKSUM_INVALID when ``md5_checksum`` is given and differs.

Bounded (``FileLimits``): an account's unfinished uploads hold at most ``max_pending_bytes`` (FILE_PARTS_INVALID
past it; the part is not kept) and ``max_pending_uploads`` (the least recently touched is dropped for a new one);
an upload untouched for ``upload_ttl`` seconds is dropped when its account next saves a part.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

from tgfleet import errors
from tgfleet.sandbox.file_limits import BIG_FILE_SIZE, MAX_PART_SIZE, MAX_PARTS, FileLimits, valid_part_size
from tgfleet.tl import types


@dataclass
class _Upload:
    total: int | None
    """The big file's number of parts; None for a small file."""
    touched: float
    parts: dict[int, bytes] = field(default_factory=dict)
    size: int = 0

    def put(self, part: int, data: bytes) -> int:
        """Keep ``data`` as ``part``; how many bytes this upload grew by."""
        grew = len(data) - len(self.parts.get(part, b""))
        self.parts[part] = data
        self.size += grew
        return grew


class Uploads:
    """Every account's unfinished uploads, under ``limits`` (read on every call, so it may be replaced)."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self._by_user: dict[int, OrderedDict[int, _Upload]] = {}
        self._pending: dict[int, int] = {}  # user -> bytes held

    def pending_bytes(self, user_id: int) -> int:
        return self._pending.get(user_id, 0)

    def save(self, user_id: int, file_id: int, part: int, data: bytes, now: float, total: int | None = None) -> None:
        _check_part(part, data, total)
        self._expire(user_id, now)
        uploads = self._by_user.setdefault(user_id, OrderedDict())
        upload = uploads.get(file_id)
        if upload is not None and upload.total != total:
            raise errors.FilePartsInvalid()
        if upload is None:
            while len(uploads) >= self.limits.max_pending_uploads:
                self._drop(user_id, uploads, next(iter(uploads)))
            upload = uploads[file_id] = _Upload(total, now)
        if self.pending_bytes(user_id) + len(data) - len(upload.parts.get(part, b"")) > self.limits.max_pending_bytes:
            raise errors.FilePartsInvalid()
        if total is None and any(p > part for p in upload.parts) and not valid_part_size(len(data)):
            raise errors.FilePartSizeInvalid()  # a small file's part before another one: not the last
        self._pending[user_id] = self.pending_bytes(user_id) + upload.put(part, data)
        upload.touched = now
        uploads.move_to_end(file_id)

    def take(self, user_id: int, file: types.TypeInputFile) -> bytes:
        """The file's bytes; the upload is dropped, also when its parts are refused (but kept while one is
        missing)."""
        if not isinstance(file, types.InputFile | types.InputFileBig):
            raise errors.MediaInvalid()
        uploads = self._by_user.get(user_id, OrderedDict())
        upload = uploads.get(file.id)
        if upload is None:
            raise errors.FilePart0Missing()
        big = isinstance(file, types.InputFileBig)
        if big != (upload.total is not None) or (big and file.parts != upload.total):
            raise errors.FilePartsInvalid()
        missing = next((p for p in range(file.parts) if p not in upload.parts), None)
        if missing is not None:
            raise errors.FilePartMissing(missing)  # kept: the client may upload the part and try again
        self._drop(user_id, uploads, file.id)
        if len(upload.parts) != file.parts or file.parts < 1 or (not big and upload.size > BIG_FILE_SIZE):
            raise errors.FilePartsInvalid()
        chunks = [upload.parts[p] for p in range(file.parts)]
        _check_sizes([len(c) for c in chunks])
        data = b"".join(chunks)
        md5 = file.md5_checksum if isinstance(file, types.InputFile) else ""
        if md5 and hashlib.md5(data).hexdigest() != md5.lower():
            raise errors.Md5ChecksumInvalid()
        return data

    def _expire(self, user_id: int, now: float) -> None:
        uploads = self._by_user.get(user_id, OrderedDict())
        stale = [f for f, u in uploads.items() if now - u.touched > self.limits.upload_ttl]
        for file_id in stale:
            self._drop(user_id, uploads, file_id)

    def _drop(self, user_id: int, uploads: OrderedDict[int, _Upload], file_id: int) -> None:
        upload = uploads.pop(file_id)
        self._pending[user_id] = self.pending_bytes(user_id) - upload.size
        if not uploads and self._by_user.get(user_id) is uploads:  # nothing kept for an account without uploads
            del self._by_user[user_id], self._pending[user_id]


def _check_part(part: int, data: bytes, total: int | None) -> None:
    if total is not None and not 1 <= total <= MAX_PARTS:
        raise errors.FilePartsInvalid()
    if not 0 <= part < (MAX_PARTS if total is None else total):
        raise errors.FilePartInvalid()
    if not data:
        raise errors.FilePartEmpty()
    if len(data) > MAX_PART_SIZE:
        raise errors.FilePartTooBig()
    if total is not None and part < total - 1 and not valid_part_size(len(data)):
        raise errors.FilePartSizeInvalid()


def _check_sizes(sizes: list[int]) -> None:
    """Every part but the last of one valid size, the last no larger: else FILE_PART_SIZE_INVALID."""
    if len(sizes) == 1:
        return
    first = sizes[0]
    if not valid_part_size(first) or any(s != first for s in sizes[:-1]) or sizes[-1] > first:
        raise errors.FilePartSizeInvalid()
