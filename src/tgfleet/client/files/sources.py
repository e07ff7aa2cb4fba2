"""What may be uploaded, opened as a sized binary stream: a path (``str`` or ``os.PathLike``), ``bytes``, or a
binary file object (``BytesIO``, an open file: read from its current position to its end).

A missing path raises ``FileNotFoundError``, an empty source ``ValueError`` (Telegram has no empty files), a text
stream or anything else ``TypeError``, each before any request.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO


@dataclass
class Source:
    """A stream to read ``size`` bytes from; ``owned``: opened here, closed by ``close()``."""

    stream: BinaryIO
    size: int
    name: str
    owned: bool

    def close(self) -> None:
        if self.owned:
            self.stream.close()


def open_source(obj: Any, file_name: str | None = None) -> Source:
    """``obj`` as a :class:`Source`; ``file_name`` overrides the name (a path's own name, else ``file``)."""
    if isinstance(obj, str | os.PathLike):
        path = Path(obj)
        if not path.is_file():
            raise FileNotFoundError(f"no such file to upload: {path}")
        stream: BinaryIO = path.open("rb")
        return _sized(stream, file_name or path.name, owned=True)
    if isinstance(obj, bytes | bytearray | memoryview):
        return _sized(io.BytesIO(bytes(obj)), file_name or "file", owned=True)
    if isinstance(obj, io.TextIOBase):
        raise TypeError("a text stream cannot be uploaded: open the file in binary mode ('rb')")
    if hasattr(obj, "read") and hasattr(obj, "seek"):
        name = file_name or os.path.basename(str(getattr(obj, "name", "") or "file"))
        return _sized(obj, name, owned=False)
    raise TypeError(f"cannot upload a {type(obj).__name__}: give a path, bytes or a binary file object")


def _sized(stream: BinaryIO, name: str, *, owned: bool) -> Source:
    start = stream.tell()
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    if size <= 0:
        if owned:
            stream.close()
        raise ValueError(f"{name!r} is empty: Telegram has no empty files")
    return Source(stream, size, name, owned)
