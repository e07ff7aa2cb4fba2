"""``FileLimits``: Telegram's size rules for uploads and downloads, and the sandbox's bounds on what it holds.

Telegram's rules (https://core.telegram.org/api/files):

- a file is uploaded in parts of one size, a multiple of 1 KB that divides 512 KB (the last part may be smaller);
  files above 10 MB go through ``upload.saveBigFilePart`` with the total number of parts given on every part;
  4000 parts at most (2 GB of 512 KB parts; 4 GB for premium accounts, which the sandbox does not model);
- ``upload.getFile``: ``offset`` divisible by 4 KB, ``limit`` divisible by 4 KB, 1 MB divisible by ``limit``,
  and the chunk may not cross a 1 MB boundary; with ``precise``, offset and limit need only be divisible by
  1 KB and the limit at most 1 MB (still not crossing a 1 MB boundary).

The sandbox's own bounds (nothing on Telegram says how long parts are kept or how much may be pending):
``max_pending_bytes`` of unfinished uploads per account, ``max_pending_uploads`` of them per account (the
least recently touched are dropped to make room), ``upload_ttl`` seconds an unfinished upload lives untouched,
``max_stored_bytes`` of finished files in the whole world, ``reference_lifetime`` seconds a file reference is
good for (Telegram's are good for hours and refreshed by refetching the message:
https://core.telegram.org/api/file_reference).
"""

from __future__ import annotations

from dataclasses import dataclass

KB = 1024
MB = 1024 * KB
MAX_PART_SIZE = 512 * KB
MAX_PARTS = 4000
BIG_FILE_SIZE = 10 * MB
"""Files above this size must be uploaded with ``upload.saveBigFilePart``."""
MAX_CHUNK = MB
"""The largest ``limit`` of ``upload.getFile``."""


def valid_part_size(size: int) -> bool:
    """A part size every part but the last must have: a multiple of 1 KB that divides 512 KB."""
    return 0 < size <= MAX_PART_SIZE and size % KB == 0 and MAX_PART_SIZE % size == 0


@dataclass(frozen=True)
class FileLimits:
    """Bounds of the world's file store; pass one to ``World(file_limits=...)`` or ``world.set_file_limits``."""

    max_pending_bytes: int = 2100 * MB
    """Bytes of unfinished uploads one account may hold (a 2 GB file fits)."""
    max_pending_uploads: int = 2048
    """Unfinished uploads one account may hold; a new one beyond drops the least recently touched."""
    upload_ttl: float = 3600.0
    """Seconds an unfinished upload is kept since its last part."""
    max_stored_bytes: int = 8192 * MB
    """Bytes of finished files the world keeps; beyond, sendMedia gets FILE_WRITE_FAILED (500)."""
    reference_lifetime: float = 4 * 3600.0
    """Seconds a file reference is accepted after it was issued (FILE_REFERENCE_EXPIRED after)."""

    def __post_init__(self) -> None:
        for name in ("max_pending_bytes", "max_pending_uploads", "max_stored_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("upload_ttl", "reference_lifetime"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
