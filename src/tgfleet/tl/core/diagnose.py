"""Precise decode errors without slowing the fast path down.

The generated readers carry no bookkeeping. When they fail, :func:`explain` walks the same bytes again
with a small interpreter driven by each class's declared fields (``_TL``), checking every read, and
reports the first problem with its path, e.g.
``string of 200 bytes runs past the end in Updates.updates[1] > UpdateNewMessage.message > Message.message
at offset 96``. It doubles as an independent second decoder for the tests.
"""

from __future__ import annotations

import re
import struct
from functools import cache
from typing import TYPE_CHECKING, Any

from tgfleet.errors import DecodeError
from tgfleet.tl.core.registry import classes, lookup, module_of

if TYPE_CHECKING:
    from tgfleet.tl.core.base import TLFunction, TLObject

_FIELD = re.compile(r"(\w+):(?:(\w+)\.(\d+)\?)?(\S+)")
_FIXED = {"int": "<i", "long": "<q", "double": "<d", "#": "<I"}
_RAW = {"int128": 16, "int256": 32}
_MIN_SIZE = {"long": 8, "double": 8, "int128": 16, "int256": 32}


@cache
def fields_of(tl: str) -> tuple[tuple[str, str | None, int, str], ...]:
    """``(name, flags_field, bit, type)`` for each declared field of a ``_TL`` string."""
    return tuple((m[1], m[2], int(m[3]) if m[3] else -1, m[4]) for m in _FIELD.finditer(tl))


class _Walker:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos
        self.path: list[str] = []

    def fail(self, problem: str, offset: int | None = None) -> DecodeError:
        return DecodeError(problem, where=" > ".join(self.path), offset=self.pos if offset is None else offset)

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise self.fail(f"need {n} bytes, {len(self.data) - self.pos} left")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def fixed(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> bytes:
        start = self.pos
        n = self.take(1)[0]
        if n == 255:
            raise self.fail("string length prefix 0xFF is invalid", start)
        head = 1
        if n == 254:
            n = int.from_bytes(self.take(3), "little")
            head = 4
        total = (head + n + 3) & ~3
        if start + total > len(self.data):
            raise self.fail(f"string of {n} bytes runs past the end ({len(self.data) - start - head} left)", start)
        self.pos = start + total
        return self.data[start + head : start + head + n]

    def value(self, ty: str) -> Any:
        if ty in _FIXED:
            return self.fixed(_FIXED[ty])
        if ty in _RAW:
            return self.take(_RAW[ty])
        if ty in ("string", "bytes"):
            return self.string()
        if ty == "Bool":
            cid = self.fixed("<I")
            if cid not in (0x997275B5, 0xBC799737):
                raise self.fail(f"expected Bool, got constructor 0x{cid:08x}", self.pos - 4)
            return cid == 0x997275B5
        for prefix, boxed in (("Vector<", True), ("vector<", False)):
            if ty.startswith(prefix):
                return self.vector(ty[len(prefix) : -1], boxed)
        if ty.startswith("%") or ty[ty.rfind(".") + 1].islower():
            return self.bare(ty.lstrip("%"))
        return self.object(None if ty in ("Object", "X") or ty.startswith("!") else ty)

    def vector(self, item: str, boxed: bool) -> list[Any]:
        start = self.pos
        if boxed and (cid := self.fixed("<I")) != 0x1CB5C415:
            raise self.fail(f"expected Vector, got constructor 0x{cid:08x}", start)
        n = self.fixed("<i")
        if n < 0 or n * _MIN_SIZE.get(item, 4) > len(self.data) - self.pos:
            raise self.fail(f"vector count {n} is larger than the {len(self.data) - self.pos} bytes left allow", start)
        out = []
        for i in range(n):
            self.path.append(f"[{i}]")
            out.append(self.value(item))
            self.path.pop()
        return out

    def object(self, type_name: str | None) -> Any:
        start = self.pos
        cid = self.fixed("<I")
        if cid in (0x997275B5, 0xBC799737, 0x1CB5C415) and type_name is None:
            self.pos = start
            return self.value("Bool" if cid != 0x1CB5C415 else "Vector<Object>")
        if module_of(cid) is None:
            raise self.fail(f"unknown constructor id 0x{cid:08x}", start)
        cls = classes.get(cid) or lookup(cid)
        if type_name is not None:
            from tgfleet.tl._gen.index import TYPE_IDS

            if cid not in TYPE_IDS.get(type_name, ()):
                raise self.fail(f"constructor {cls.QUALNAME} (0x{cid:08x}) is not a {type_name}", start)
        return self.fields(cls)

    def bare(self, name: str) -> Any:
        from tgfleet.tl._gen.index import BARE

        return self.fields(lookup(BARE[name]))

    def fields(self, cls: type[TLObject]) -> Any:
        flags: dict[str, int] = {}
        for name, flag_field, bit, ty in fields_of(cls._TL):
            self.path.append(f"{cls.__name__}.{name}")
            if flag_field is not None and not (flags.get(flag_field, 0) >> bit) & 1:
                self.path.pop()
                continue
            if ty == "#":
                flags[name] = self.fixed("<I")
            elif ty != "true":
                self.value(ty)
            self.path.pop()
        return cls

    def result(self, fn: TLFunction[Any]) -> Any:
        ty = fn._RESULT
        while ty == "X" or ty.startswith("!"):
            fn = fn.query  # type: ignore[attr-defined]  # generic wrappers answer with their query's result
            ty = fn._RESULT
        return self.value(ty)


def explain(data: bytes, exc: BaseException, result_of: TLFunction[Any] | None = None) -> DecodeError:
    """The DecodeError for ``data``, which the fast path failed on with ``exc``."""
    walker = _Walker(data)
    try:
        if result_of is None:
            walker.object(None)
        else:
            walker.path.append(f"result of {type(result_of).__name__}")
            walker.result(result_of)
    except DecodeError as e:
        return e
    except RecursionError:
        return walker.fail("objects nested too deeply")
    if isinstance(exc, DecodeError):
        return exc
    if walker.pos != len(data):
        return walker.fail(f"{len(data) - walker.pos} trailing bytes after the object")
    return DecodeError(f"malformed input ({type(exc).__name__}: {exc})", offset=0)
