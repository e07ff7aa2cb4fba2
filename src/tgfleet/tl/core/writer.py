"""Writing TL values by appending to one bytearray (https://core.telegram.org/mtproto/serialize).

Generated ``_write`` methods pack fixed-size fields with ``struct`` themselves and call these helpers
for strings, vectors and raw integers.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

_PAD = (b"", b"\x00\x00\x00", b"\x00\x00", b"\x00")
_Ii = struct.Struct("<Ii")
_VECTOR_ID = 0x1CB5C415
BOOL_TRUE = struct.pack("<I", 0x997275B5)
BOOL_FALSE = struct.pack("<I", 0xBC799737)


def write_bytes(out: bytearray, data: bytes) -> None:
    """TL ``bytes``: length (1 byte if < 254, else 0xFE + 3 bytes LE), data, zero padding to 4."""
    n = len(data)
    if n < 254:
        out.append(n)
        out += data
        out += _PAD[(n + 1) & 3]
    else:
        if n >= 1 << 24:
            raise ValueError(f"TL bytes too long: {n} bytes (max 16 MiB - 1)")
        out += struct.pack("<I", (n << 8) | 254)
        out += data
        out += _PAD[n & 3]


def write_string(out: bytearray, text: str) -> None:
    write_bytes(out, text.encode())


def write_raw(out: bytearray, data: bytes, size: int) -> None:
    """int128 / int256: exactly ``size`` raw bytes."""
    if len(data) != size:
        raise ValueError(f"expected {size} bytes, got {len(data)}")
    out += data


def write_vector_int(out: bytearray, items: Sequence[int]) -> None:
    n = len(items)
    out += struct.pack(f"<Ii{n}i", _VECTOR_ID, n, *items)


def write_vector_long(out: bytearray, items: Sequence[int]) -> None:
    n = len(items)
    out += struct.pack(f"<Ii{n}q", _VECTOR_ID, n, *items)


def write_vector_double(out: bytearray, items: Sequence[float]) -> None:
    n = len(items)
    out += struct.pack(f"<Ii{n}d", _VECTOR_ID, n, *items)


def write_vector_bytes(out: bytearray, items: Sequence[bytes]) -> None:
    out += _Ii.pack(_VECTOR_ID, len(items))
    for b in items:
        write_bytes(out, b)


def write_vector_string(out: bytearray, items: Sequence[str]) -> None:
    out += _Ii.pack(_VECTOR_ID, len(items))
    for s in items:
        write_bytes(out, s.encode())


def write_vector_object(out: bytearray, items: Sequence[Any]) -> None:
    out += _Ii.pack(_VECTOR_ID, len(items))
    for obj in items:
        obj._write(out)
