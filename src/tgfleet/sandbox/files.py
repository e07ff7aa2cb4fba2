"""``FileStore``: the world's finished files, each on the DC it was uploaded to, with its file references.

A stored file is a document's or a photo's bytes (and its thumbnail's, when the client uploaded one) with the
id and access hash ``document`` / ``photo`` carry. It lives on the DC of the connection that uploaded it
(https://core.telegram.org/api/files): ``upload.getFile`` on another DC answers FILE_MIGRATE_X, and the client
downloads there with an exported authorization.

File references (https://core.telegram.org/api/file_reference): every time the world renders a file for a
viewer (a message in getHistory, getMessages, an update) it issues a fresh reference: the issue time and an HMAC
of (file id, issue time, the store's generation) under a secret. A reference is good for
``FileLimits.reference_lifetime`` seconds and until ``expire_references()`` (a new generation) — then calls
naming the file answer FILE_REFERENCE_EXPIRED and the client refetches the message for a fresh one. An empty
reference is FILE_REFERENCE_EMPTY, one that is not ours FILE_REFERENCE_INVALID.

``chunk(file, offset, limit, precise)`` applies upload.getFile's rules (``file_limits.py``): LIMIT_INVALID,
OFFSET_INVALID; past the end the answer is empty, as on Telegram.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tgfleet import errors
from tgfleet.sandbox.file_limits import KB, MAX_CHUNK, MB, FileLimits

PHOTO, DOCUMENT = "photo", "document"


@dataclass(frozen=True)
class FileMeta:
    """What a file is besides its bytes: a ``photo`` (its dimensions) or a ``document`` (its MIME type, its
    attributes as the client sent them, the thumbnail the client uploaded, if any)."""

    kind: str
    mime_type: str = ""
    attributes: tuple[Any, ...] = ()
    thumb: bytes | None = None
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class StoredFile:
    id: int
    access_hash: int
    dc_id: int
    data: bytes
    date: int
    meta: FileMeta


class FileStore:
    """The world's files by id, under ``limits`` (read on every call); ``secret`` signs the file references."""

    def __init__(self, limits: FileLimits, secret: bytes, clock: Callable[[], float], random: Callable[[int], bytes]):
        self.limits = limits
        self._secret = secret
        self._clock = clock
        self._random = random
        self._files: dict[int, StoredFile] = {}
        self._stored_bytes = 0
        self._generation = 0

    @property
    def stored_bytes(self) -> int:
        return self._stored_bytes

    def add(self, dc_id: int, data: bytes, meta: FileMeta) -> StoredFile:
        """Store a finished upload on ``dc_id``; FILE_WRITE_FAILED past ``max_stored_bytes``."""
        size = len(data) + len(meta.thumb or b"")
        if self._stored_bytes + size > self.limits.max_stored_bytes:
            raise errors.FileWriteFailed()
        file_id, access_hash = struct.unpack("<qq", self._random(16))
        while file_id in self._files or file_id == 0:
            file_id = struct.unpack("<q", self._random(8))[0]
        stored = StoredFile(file_id, access_hash, dc_id, data, int(self._clock()), meta)
        self._files[file_id] = stored
        self._stored_bytes += size
        return stored

    def get(
        self, kind: str, file_id: int, access_hash: int, file_reference: bytes, *, on_dc: int | None = None
    ) -> StoredFile:
        """The file of ``kind`` an ``inputDocument`` / ``inputPhoto`` (or file location) names: FILE_ID_INVALID
        for an unknown file, another kind or a wrong access hash; FILE_MIGRATE_X when asked ``on_dc`` for a
        file DC X holds; then the reference's errors."""
        stored = self._files.get(file_id)
        if stored is None or stored.access_hash != access_hash or stored.meta.kind != kind:
            raise errors.FileIdInvalid()
        if on_dc is not None and stored.dc_id != on_dc:
            raise errors.FileMigrate(stored.dc_id)
        self.check_reference(file_id, file_reference)
        return stored

    # --- references -----------------------------------------------------------------------------------
    def reference(self, file_id: int) -> bytes:
        """A fresh file reference for ``file_id``."""
        issued = int(self._clock())
        return struct.pack(">q", issued) + self._mac(file_id, issued)

    def check_reference(self, file_id: int, reference: bytes) -> None:
        if not reference:
            raise errors.FileReferenceEmpty()
        if len(reference) != 24 or not hmac.compare_digest(reference[8:], self._mac(file_id, _issued(reference))):
            if len(reference) == 24 and self._signed_before(file_id, reference):
                raise errors.FileReferenceExpired()
            raise errors.FileReferenceInvalid()
        if self._clock() - _issued(reference) > self.limits.reference_lifetime:
            raise errors.FileReferenceExpired()

    def expire_references(self) -> None:
        """Every reference issued so far expires (a new generation): for tests of the refetch."""
        self._generation += 1

    def _signed_before(self, file_id: int, reference: bytes) -> bool:
        """Whether ``reference`` is ours from an earlier generation (expired, not forged)."""
        issued = _issued(reference)
        return any(
            hmac.compare_digest(reference[8:], self._mac(file_id, issued, generation))
            for generation in range(max(0, self._generation - 16), self._generation)
        )

    def _mac(self, file_id: int, issued: int, generation: int | None = None) -> bytes:
        generation = self._generation if generation is None else generation
        message = struct.pack(">qqq", file_id, issued, generation)
        return hmac.new(self._secret, message, hashlib.sha256).digest()[:16]


def _issued(reference: bytes) -> int:
    return int(struct.unpack(">q", reference[:8])[0])


def chunk(data: bytes, offset: int, limit: int, *, precise: bool) -> bytes:
    """``limit`` bytes of ``data`` from ``offset`` under upload.getFile's rules."""
    align = KB if precise else 4 * KB
    if limit <= 0 or limit > MAX_CHUNK or limit % align or (not precise and MB % limit):
        raise errors.LimitInvalid()
    if offset < 0 or offset % align:
        raise errors.OffsetInvalid()
    if offset // MB != (offset + limit - 1) // MB:
        raise errors.LimitInvalid()  # the chunk crosses a 1 MB boundary
    return data[offset : offset + limit]
