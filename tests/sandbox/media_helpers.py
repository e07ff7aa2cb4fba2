"""Bytes for media tests: a real PNG of any size (zlib only), parts of a file, its upload calls."""

from __future__ import annotations

import hashlib
import struct
import zlib

from tgfleet.tl import types
from tgfleet.tl.functions import upload as f_upload

KB = 1024


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` x ``height``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pattern(size: int, seed: int = 0) -> bytes:
    """``size`` bytes that differ at every offset (so a misplaced chunk shows)."""
    block = b"".join(hashlib.sha256(struct.pack("<II", seed, i)).digest() for i in range(128))  # 4 KB
    return (block * (size // len(block) + 1))[:size]


def part_calls(file_id: int, data: bytes, part_size: int = 64 * KB, *, big: bool = False) -> list[object]:
    parts = [data[i : i + part_size] for i in range(0, len(data), part_size)]
    if big:
        return [
            f_upload.SaveBigFilePart(file_id=file_id, file_part=i, file_total_parts=len(parts), bytes=p)
            for i, p in enumerate(parts)
        ]
    return [f_upload.SaveFilePart(file_id=file_id, file_part=i, bytes=p) for i, p in enumerate(parts)]


def input_file(file_id: int, data: bytes, part_size: int = 64 * KB, name: str = "f.bin", *, big: bool = False):  # type: ignore[no-untyped-def]
    parts = -(-len(data) // part_size)
    if big:
        return types.InputFileBig(id=file_id, parts=parts, name=name)
    return types.InputFile(id=file_id, parts=parts, name=name, md5_checksum=hashlib.md5(data).hexdigest())
