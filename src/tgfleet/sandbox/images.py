"""What the sandbox reads of a file's bytes: its ``storage.FileType`` by magic number, an image's dimensions.

The sandbox decodes no images: a photo's width and height come from its header (PNG's IHDR, a JPEG's start of
frame, a WebP's VP8/VP8L/VP8X header), and anything else sent as a photo is IMAGE_PROCESS_FAILED. Bounded: the
JPEG walk visits at most the segments present in the bytes, each a bounds-checked step.
"""

from __future__ import annotations

import struct

from tgfleet.tl.types import storage

_MAGIC: tuple[tuple[bytes, type[storage.TypeFileType]], ...] = (
    (b"\xff\xd8\xff", storage.FileJpeg),
    (b"\x89PNG\r\n\x1a\n", storage.FilePng),
    (b"GIF8", storage.FileGif),
    (b"%PDF", storage.FilePdf),
    (b"ID3", storage.FileMp3),
)
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def storage_type(data: bytes) -> storage.TypeFileType:
    """The ``storage.FileType`` upload.file reports for ``data``."""
    for magic, cls in _MAGIC:
        if data.startswith(magic):
            return cls()
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return storage.FileWebp()
    if data[4:8] == b"ftyp":
        return storage.FileMov() if data[8:10] == b"qt" else storage.FileMp4()
    return storage.FileUnknown()


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG or WebP image; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        if length < 2:
            return None
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width & 0x3FFF), int(height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None
