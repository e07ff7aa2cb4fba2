"""``Uploader``: one file in parts, several in flight (https://core.telegram.org/api/files#uploading-files).

Parts are 512 KB (the largest Telegram takes; the last may be shorter), read in order from the source while at
most ``workers`` are in flight, so memory stays at ``workers`` parts whatever the file's size. A file above 10 MB
goes in ``upload.saveBigFilePart`` (the total number of parts on every part) and becomes ``inputFileBig``; a
smaller one in ``upload.saveFilePart`` and becomes ``inputFile`` with its MD5 (computed as the parts are read).
A part the server refuses ends the upload with that error (the other parts are cancelled); a dropped connection
costs nothing here, the sender resends what was unanswered. ``call(query, lane)`` sends one part on media
connection number ``lane``: worker ``k`` sends on lane ``k``, so the parts in flight travel on connections of their
own: a server that handles one connection's calls in turn (the sandbox does, ``sandbox/inbound.py``) still handles
several parts at once (``sandbox/part_hold.py`` shows it).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet.client.files.progress import Progress
from tgfleet.client.files.sources import Source
from tgfleet.tl import TLFunction, types
from tgfleet.tl.functions import upload

PART_SIZE = 512 * 1024
BIG_FILE = 10 * 1024 * 1024
WORKERS = 4
MAX_PARTS = 4000

Call = Callable[[TLFunction[Any], int], Awaitable[Any]]
"""Sends one part on the media connection of the given lane."""


class Uploader:
    """``await Uploader(call, workers=4).upload(source, progress)`` -> ``InputFile`` / ``InputFileBig``."""

    __slots__ = ("_call", "_random", "workers")

    def __init__(self, call: Call, *, workers: int = WORKERS, random: Callable[[int], bytes] = os.urandom) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._call = call
        self._random = random
        self.workers = workers

    async def upload(self, source: Source, progress: Progress) -> types.InputFile | types.InputFileBig:
        parts = -(-source.size // PART_SIZE)
        if parts > MAX_PARTS:
            raise ValueError(f"{source.name!r} is {source.size} bytes: Telegram takes files up to 2000 MB")
        file_id = int.from_bytes(self._random(8), "little", signed=True)
        if parts == 1:  # most files of a chat: one call, no workers
            data = source.stream.read(PART_SIZE)
            await self._call(upload.SaveFilePart(file_id=file_id, file_part=0, bytes=data), 0)
            await progress.add(len(data))
            return types.InputFile(id=file_id, parts=1, name=source.name, md5_checksum=hashlib.md5(data).hexdigest())
        big = source.size > BIG_FILE
        md5 = None if big else hashlib.md5()
        workers = min(self.workers, parts)
        queue: asyncio.Queue[tuple[int, bytes] | None] = asyncio.Queue(maxsize=workers)

        async def send(lane: int) -> None:
            while (item := await queue.get()) is not None:
                index, data = item
                if big:
                    await self._call(upload.SaveBigFilePart(file_id=file_id, file_part=index,
                                                            file_total_parts=parts, bytes=data), lane)  # fmt: skip
                else:
                    await self._call(upload.SaveFilePart(file_id=file_id, file_part=index, bytes=data), lane)
                await progress.add(len(data))

        async def read() -> None:
            for index in range(parts):
                data = source.stream.read(PART_SIZE)
                if not data:
                    raise ValueError(f"{source.name!r} ended after {index * PART_SIZE} of {source.size} bytes")
                if md5 is not None:
                    md5.update(data)
                await queue.put((index, data))
            for _ in range(workers):
                await queue.put(None)

        await _all_or_none([read(), *(send(lane) for lane in range(workers))])
        if big:
            return types.InputFileBig(id=file_id, parts=parts, name=source.name)
        assert md5 is not None
        return types.InputFile(id=file_id, parts=parts, name=source.name, md5_checksum=md5.hexdigest())


async def _all_or_none(coros: list[Awaitable[None]]) -> None:
    """Run them together; the first failure cancels the rest and is raised."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
