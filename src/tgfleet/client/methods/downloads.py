"""download_media and stream_media with Pyrogram's signatures, over ``client/files/downloader.py``.

What may be downloaded: a ``Message`` with a photo or a file, a media object (``Photo``, ``Document``, ``Video``...)
or a ``file_id``. Chunks come on the media connection of the DC holding the file (with an exported authorization
there when it is not the home DC). An expired file reference is refreshed by fetching the message again (only a
``Message`` can be: for a media object or a file id, ``FileReferenceExpired`` reaches the caller).

To a path, the bytes go to ``<path>.part`` and the file is renamed when complete; a ``.part`` left by an interrupted
download is continued from its last whole MB, so a second call resumes the first. ``progress(current, total,
*progress_args)`` follows each chunk; raising ``StopTransmission`` in it stops the download (None is returned, the
``.part`` stays for a later resume). Memory stays at the few chunks in flight unless ``in_memory``.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any, BinaryIO

from tgfleet.client.files.downloader import CHUNK, Downloader
from tgfleet.client.files.progress import Progress
from tgfleet.client.files.targets import Target, of_file_id, of_media
from tgfleet.client.methods.chat_history import ChatHistoryMethods
from tgfleet.handlers import StopTransmission
from tgfleet.tl import types
from tgfleet.types import Message, Photo
from tgfleet.types.media.document_base import FileMedia

DEFAULT_DIRECTORY = "downloads/"
log = logging.getLogger("tgfleet.client")


class DownloadMethods(ChatHistoryMethods):
    def _downloader(self, media: Any) -> tuple[Downloader, Target]:
        """The downloader of ``media`` (a Message, a media object or a file id) and what it names."""
        refresh = None
        if isinstance(media, Message):
            target = of_media(getattr(media._raw, "media", None))
            refresh = self._refresher(media)
        elif isinstance(media, Photo):
            target = of_media(types.MessageMediaPhoto(photo=media._raw))
        elif isinstance(media, FileMedia):
            target = of_media(types.MessageMediaDocument(document=media._raw))
        elif isinstance(media, str):
            target = of_file_id(media)
        else:
            raise TypeError(f"cannot download a {type(media).__name__}: give a Message, a media object or a file id")

        async def call(query: Any, dc_id: int | None) -> Any:
            return await self.invoke(query, dc_id=dc_id, media=True)

        return Downloader(call, target.location, target.dc_id, size=target.size, refresh=refresh), target

    def _refresher(self, message: Message) -> Callable[[], Any]:
        chat_id, message_id = message.chat.id, message.id

        async def refresh() -> types.TypeInputFileLocation:
            fresh = await self.get_messages(chat_id, message_id)
            assert isinstance(fresh, Message)
            return of_media(getattr(fresh._raw, "media", None)).location

        return refresh

    async def download_media(
        self,
        message: Any,
        file_name: str = DEFAULT_DIRECTORY,
        in_memory: bool = False,
        block: bool = True,
        progress: Callable[..., Any] | None = None,
        progress_args: tuple[Any, ...] = (),
    ) -> str | BinaryIO | None:
        """Download a message's photo or file: to ``file_name`` (a directory when it ends with ``/``, relative to
        the working directory; the media's own name inside it), or into a ``BytesIO`` (``in_memory``, named).
        Returns the path (or the BytesIO); None if ``progress`` stopped it or with ``block=False`` (the download
        then runs in the background)."""
        downloader, target = self._downloader(message)
        if not block:
            self._spawn(self._in_background(message, file_name, in_memory, progress, progress_args))
            return None
        async with self._download_slots:  # at most max_concurrent_transmissions files at a time, as Pyrogram
            if in_memory:
                return await _into_memory(downloader, target, Progress(progress, target.size or 0, progress_args))
            path = _path(file_name, target.file_name)
            return await _into_file(downloader, path, Progress(progress, target.size or 0, progress_args))

    async def _in_background(self, *args: Any) -> None:
        try:
            await self.download_media(args[0], args[1], args[2], True, *args[3:])
        except Exception:  # nobody awaits it: say what went wrong
            log.exception("download_media(block=False) failed")

    async def stream_media(self, message: Any, limit: int = 0, offset: int = 0) -> AsyncGenerator[bytes, None]:
        """The file's bytes in chunks of 1 MB, as they arrive; ``offset`` chunks skipped first (negative: counted
        from the end, when the size is known), at most ``limit`` chunks (0: all)."""
        downloader, target = self._downloader(message)
        if offset < 0:
            if target.size is None:
                raise ValueError("a negative offset needs the file's size; download by a Message or media object")
            offset = max(0, -(-target.size // CHUNK) + offset)
        async with self._download_slots:  # a stream holds its slot until it ends or is closed
            async for chunk in downloader.chunks(offset * CHUNK, limit or None):
                yield chunk


def _path(file_name: str, media_name: str) -> Path:
    given = Path(file_name)
    if file_name.endswith(("/", os.sep)) or given.is_dir():
        return given / os.path.basename(media_name)
    return given


async def _into_memory(downloader: Downloader, target: Target, progress: Progress) -> BinaryIO | None:
    out = io.BytesIO()
    out.name = target.file_name
    try:
        async for chunk in downloader.chunks():
            out.write(chunk)
            await progress.add(len(chunk))
    except StopTransmission:
        return None
    out.seek(0)
    return out


async def _into_file(downloader: Downloader, path: Path, progress: Progress) -> str | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    start = (part.stat().st_size // CHUNK) * CHUNK if part.exists() else 0
    if downloader.size is not None and start > downloader.size:
        start = 0  # longer than the file: not this file's beginning
    with part.open("r+b" if part.exists() else "wb") as out:
        out.truncate(start)
        out.seek(start)
        if start:
            await progress.add(start)
        try:
            async for chunk in downloader.chunks(start):
                out.write(chunk)
                await progress.add(len(chunk))
        except StopTransmission:
            return None
    os.replace(part, path)
    return str(path)
