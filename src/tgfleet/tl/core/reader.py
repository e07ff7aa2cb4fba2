"""Reading TL values from bytes (https://core.telegram.org/mtproto/serialize).

The reader is deliberately thin: ``struct.unpack_from`` on an immutable buffer bounds every fixed-size
read (a short buffer raises ``struct.error``), strings and vectors are checked against the bytes left
before anything is allocated, and the entry points (:func:`decode`, ``TLObject.from_bytes``,
``TLFunction.read_result``) turn whatever went wrong into one :class:`~tgfleet.errors.DecodeError` that
names the constructor, field and offset (see ``diagnose.py``). Generated code calls these methods.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tgfleet.errors import DecodeError
from tgfleet.tl.core.registry import classes as _classes
from tgfleet.tl.core.registry import lookup as _lookup

if TYPE_CHECKING:
    from tgfleet.tl.core.base import TLObject

VECTOR_ID = 0x1CB5C415
BOOL_TRUE_ID = 0x997275B5
BOOL_FALSE_ID = 0xBC799737

_I = struct.Struct("<I")  # constructor ids are read unsigned
_i = struct.Struct("<i")
_q = struct.Struct("<q")
_d = struct.Struct("<d")
_Ii = struct.Struct("<Ii")

#: Exceptions the fast path may raise on malformed input; entry points convert them into DecodeError.
RAW_ERRORS: tuple[type[BaseException], ...] = (
    DecodeError,
    struct.error,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    OverflowError,
    RecursionError,
    MemoryError,
)


Substitutes = dict[int, tuple[tuple[int, Callable[[Any], Any]], ...]]
"""Constructors accepted in place of another type's: constructor id -> (the constructor it stands for, a converter
to it), ... (a server reading what lenient clients send: ``mtproto.session.substitutes``)."""


class Reader:
    """Reads TL values from ``data`` starting at ``pos``. Not thread-safe; one per message. ``substitutes``: the
    constructors ``read_typed`` accepts where another type is expected (converted); none by default."""

    __slots__ = ("data", "pos", "substitutes")

    def __init__(
        self, data: bytes | bytearray | memoryview, pos: int = 0, substitutes: Substitutes | None = None
    ) -> None:
        self.data: bytes = data if type(data) is bytes else bytes(data)
        self.pos = pos
        self.substitutes = substitutes

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    # -- fixed size -------------------------------------------------------------------------------
    def read_int(self) -> int:
        v: int = _i.unpack_from(self.data, self.pos)[0]
        self.pos += 4
        return v

    def read_uint(self) -> int:
        v: int = _I.unpack_from(self.data, self.pos)[0]
        self.pos += 4
        return v

    def read_long(self) -> int:
        v: int = _q.unpack_from(self.data, self.pos)[0]
        self.pos += 8
        return v

    def read_double(self) -> float:
        v: float = _d.unpack_from(self.data, self.pos)[0]
        self.pos += 8
        return v

    def unpack(self, st: struct.Struct) -> tuple[Any, ...]:
        """Several consecutive fixed-size fields in one call (generated code groups them)."""
        v = st.unpack_from(self.data, self.pos)
        self.pos += st.size
        return v

    def read_raw(self, n: int) -> bytes:
        """``n`` raw bytes (int128 = 16, int256 = 32)."""
        p = self.pos
        end = p + n
        if end > len(self.data):
            raise DecodeError(f"need {n} bytes, {len(self.data) - p} left", offset=p)
        self.pos = end
        return self.data[p:end]

    def read_bool(self) -> bool:
        cid = _I.unpack_from(self.data, self.pos)[0]
        self.pos += 4
        if cid == BOOL_TRUE_ID:
            return True
        if cid == BOOL_FALSE_ID:
            return False
        raise DecodeError(f"expected Bool, got constructor 0x{cid:08x}", offset=self.pos - 4)

    # -- strings ----------------------------------------------------------------------------------
    def read_bytes(self) -> bytes:
        """TL ``bytes``/``string``: 1-byte length (< 254) or 0xFE + 3-byte length, data, pad to 4."""
        d = self.data
        p = self.pos
        n = d[p]
        if n < 254:
            start = p + 1
            end = start + n
            self.pos = (end + 3) & ~3
        elif n == 254:
            n = _I.unpack_from(d, p)[0] >> 8
            start = p + 4
            end = start + n
            self.pos = (end + 3) & ~3
        else:
            raise DecodeError("string length prefix 0xFF is invalid", offset=p)
        if self.pos > len(d):
            raise DecodeError(f"string of {n} bytes runs past the end ({len(d) - start} left)", offset=p)
        return d[start:end]

    def read_string(self) -> str:
        return self.read_bytes().decode("utf-8", "replace")

    # -- objects ----------------------------------------------------------------------------------
    def read_object(self) -> TLObject:
        """A boxed object of any type: constructor id, then its fields."""
        cid = _I.unpack_from(self.data, self.pos)[0]
        self.pos += 4
        cls = _classes.get(cid) or _lookup(cid)
        return cls._read(self)

    def read_typed(self, ids: frozenset[int]) -> Any:
        """A boxed object whose constructor must be one of ``ids`` (the constructors of one TL type)."""
        cid = _I.unpack_from(self.data, self.pos)[0]
        if cid not in ids:
            return self._substitute(cid, ids)
        self.pos += 4
        cls = _classes.get(cid) or _lookup(cid)
        return cls._read(self)

    def _substitute(self, cid: int, ids: frozenset[int]) -> Any:
        """A constructor of another type that ``substitutes`` accepts here, converted; else DecodeError."""
        for target, convert in (self.substitutes or {}).get(cid, ()):
            if target in ids:
                return convert(self.read_object())
        raise DecodeError(f"constructor 0x{cid:08x} is not of the expected type", offset=self.pos)

    # -- vectors ----------------------------------------------------------------------------------
    def read_count(self, item_size: int, boxed: bool = True) -> int:
        """Vector header (``vector`` id unless bare, then the count), checked against the bytes left.

        ``item_size`` is the least number of bytes one item can take, so a count the input cannot
        hold is rejected before any list is built.
        """
        p = self.pos
        n: int
        if boxed:
            cid, n = _Ii.unpack_from(self.data, p)
            if cid != VECTOR_ID:
                raise DecodeError(f"expected Vector, got constructor 0x{cid:08x}", offset=p)
            self.pos = p + 8
        else:
            n = _i.unpack_from(self.data, p)[0]
            self.pos = p + 4
        if n < 0 or n * item_size > len(self.data) - self.pos:
            raise DecodeError(f"vector count {n} is larger than the {self.remaining} bytes left allow", offset=p)
        return n

    def read_vector_int(self) -> list[int]:
        n = self.read_count(4)
        v = struct.unpack_from(f"<{n}i", self.data, self.pos)
        self.pos += 4 * n
        return list(v)

    def read_vector_long(self) -> list[int]:
        n = self.read_count(8)
        v = struct.unpack_from(f"<{n}q", self.data, self.pos)
        self.pos += 8 * n
        return list(v)

    def read_vector_bytes(self) -> list[bytes]:
        return [self.read_bytes() for _ in range(self.read_count(4))]

    def read_vector_string(self) -> list[str]:
        return [self.read_string() for _ in range(self.read_count(4))]

    def read_vector_double(self) -> list[float]:
        n = self.read_count(8)
        v = struct.unpack_from(f"<{n}d", self.data, self.pos)
        self.pos += 8 * n
        return list(v)

    def read_vector_object(self) -> list[Any]:
        return [self.read_object() for _ in range(self.read_count(4))]

    def read_vector_typed(self, ids: frozenset[int]) -> list[Any]:
        return [self.read_typed(ids) for _ in range(self.read_count(4))]

    def read_vector(self, item: Callable[[Reader], Any], item_size: int = 4, boxed: bool = True) -> list[Any]:
        """Any other vector: ``item`` reads one element."""
        return [item(self) for _ in range(self.read_count(item_size, boxed))]
