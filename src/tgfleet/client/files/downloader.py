"""``Downloader``: a file's bytes in order, by ``upload.getFile`` chunks with several in flight
(https://core.telegram.org/api/files#downloading-files).

Chunks are 1 MB (the largest ``limit``) at offsets that are multiples of 1 MB, which satisfies every rule of
getFile (offset divisible by 4 KB, limit divisible by 4 KB and dividing 1 MB, no chunk across a 1 MB boundary); a
download starts at a multiple of 1 MB too (``start``). At most ``workers`` chunks are requested ahead and held, so
memory stays at ``workers`` MB whatever the file's size. The file ends at its known ``size``, or (size unknown) at
the first short chunk.

FILE_REFERENCE_EXPIRED: ``refresh`` gives the location with a fresh file reference (the media method refetches
the message), once for all chunks in flight, and the chunk is asked again; without ``refresh``, or when the fresh
reference is refused too, the error reaches the caller. FILE_MIGRATE_X is followed by the call path (the chunk is
asked on DC X's media connection); ``call`` sends one chunk request to a DC.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from tgfleet import errors
from tgfleet.tl import TLFunction, types
from tgfleet.tl.functions import upload

CHUNK = 1024 * 1024
WORKERS = 4
MAX_REFRESHES = 3

Call = Callable[[TLFunction[Any], int | None], Awaitable[Any]]
Refresh = Callable[[], Awaitable[types.TypeInputFileLocation]]


class Downloader:
    """``async for chunk in Downloader(call, location, dc_id, size=...).chunks(): ...``."""

    __slots__ = ("_call", "_generation", "_lock", "_refresh", "_refreshes", "dc_id", "location", "size", "workers")

    def __init__(
        self,
        call: Call,
        location: types.TypeInputFileLocation,
        dc_id: int | None,
        *,
        size: int | None = None,
        refresh: Refresh | None = None,
        workers: int = WORKERS,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._call = call
        self.location = location
        self.dc_id = dc_id
        self.size = size
        self._refresh = refresh
        self.workers = workers
        self._lock = asyncio.Lock()
        self._generation = 0  # counts refreshes: a chunk that failed on an older location just asks again
        self._refreshes = 0

    async def chunks(self, start: int = 0, limit: int | None = None) -> AsyncIterator[bytes]:
        """The bytes from ``start`` (a multiple of 1 MB) on, one chunk at a time; ``limit``: at most that many
        chunks."""
        if start < 0 or start % CHUNK:
            raise ValueError(f"a download starts at a multiple of {CHUNK} bytes, not {start}")
        if self.size is not None and self.size <= start + CHUNK:  # one chunk at most (most files): no task for it
            if self._wanted(start, 0, limit) and (data := await self._chunk(start)):
                yield data
            return
        ahead: deque[asyncio.Task[bytes]] = deque()
        offset, given = start, 0
        try:
            while True:
                while len(ahead) < self.workers and self._wanted(offset, given + len(ahead), limit):
                    ahead.append(asyncio.ensure_future(self._chunk(offset)))
                    offset += CHUNK
                if not ahead:
                    return
                data = await ahead.popleft()
                given += 1
                if data:
                    yield data
                if len(data) < CHUNK:
                    return
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)

    def _wanted(self, offset: int, chunks: int, limit: int | None) -> bool:
        return (self.size is None or offset < self.size) and (limit is None or chunks < limit)

    async def _chunk(self, offset: int) -> bytes:
        while True:
            generation = self._generation
            request = upload.GetFile(location=self.location, offset=offset, limit=CHUNK)
            try:
                result = await self._call(request, self.dc_id)
            except errors.FileReferenceExpired:
                await self._refreshed(generation)
                continue
            if not isinstance(result, types.upload.File):
                raise errors.BadRequest(ID="FILE_CDN_NOT_SUPPORTED", detail="the server redirected to a CDN")
            return bytes(result.bytes)

    async def _refreshed(self, failed_on: int) -> None:
        """A fresh location, unless another chunk already got one since ``failed_on``."""
        async with self._lock:
            if self._generation != failed_on:
                return
            if self._refresh is None or self._refreshes >= MAX_REFRESHES:
                raise errors.FileReferenceExpired()
            self._refreshes += 1
            self.location = await self._refresh()
            self._generation += 1
