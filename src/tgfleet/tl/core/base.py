"""Base classes of every generated TL class, and the decode entry point.

A generated class has ``__slots__`` for its fields, ``CONSTRUCTOR_ID``, ``QUALNAME`` (its TL name) and
``_TL`` (its declared fields, used for diagnostics), a keyword-only ``__init__``, ``_write(out)`` that
appends its boxed serialization to one bytearray and ``_read(reader)`` that reads its fields (the
constructor id already consumed). Functions additionally know how to read their result.
"""

from __future__ import annotations

import struct
from typing import Any, ClassVar, Generic, TypeVar

from tgfleet.errors import DecodeError, EncodeError
from tgfleet.tl.core.diagnose import explain
from tgfleet.tl.core.reader import RAW_ERRORS, Reader, Substitutes

T = TypeVar("T", bound="TLObject")
R = TypeVar("R")

_ENCODE_ERRORS = (struct.error, TypeError, AttributeError, ValueError, OverflowError)


class TLObject:
    """A TL constructor (or function call) with its field values."""

    __slots__ = ()
    CONSTRUCTOR_ID: ClassVar[int] = 0
    QUALNAME: ClassVar[str] = ""
    _TL: ClassVar[str] = ""
    _OPTIONAL: ClassVar[frozenset[str]] = frozenset()

    def _write(self, out: bytearray) -> None:  # pragma: no cover - generated
        raise NotImplementedError

    @classmethod
    def _read(cls: type[T], r: Reader) -> T:  # pragma: no cover - generated
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        """The boxed serialization. Raises EncodeError if a field holds a value its type cannot take."""
        out = bytearray()
        self.write_to(out)
        return bytes(out)

    def write_to(self, out: bytearray) -> None:
        """Append the boxed serialization to ``out`` (a message being built), as ``to_bytes`` makes it; EncodeError
        as there (``out`` may then hold part of it)."""
        try:
            self._write(out)
        except _ENCODE_ERRORS as e:
            raise EncodeError(f"cannot serialize {type(self).__name__}: {e}") from e

    @classmethod
    def from_bytes(cls: type[T], data: bytes | bytearray | memoryview) -> T:
        """Decode a boxed object that must be an instance of ``cls`` (a class or a ``Type...`` base)."""
        obj = decode(data)
        if not isinstance(obj, cls):
            raise DecodeError(f"expected {cls.__name__}, got {type(obj).__name__}", offset=0)
        return obj

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        slots: tuple[str, ...] = self.__slots__
        return all(getattr(self, s) == getattr(other, s) for s in slots)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def _shown(self) -> list[tuple[str, Any]]:
        optional = self._OPTIONAL
        slots: tuple[str, ...] = self.__slots__
        return [(s, v) for s in slots if not ((v := getattr(self, s)) is None or (v is False and s in optional))]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._shown())})"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``"_"`` = TL name), recursively; handy for logs and JSON."""
        out: dict[str, Any] = {"_": self.QUALNAME}
        for k, v in self._shown():
            out[k] = _plain(v)
        return out


def _plain(v: Any) -> Any:
    if isinstance(v, TLObject):
        return v.to_dict()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


class TLFunction(TLObject, Generic[R]):
    """A TL function call. ``read_result`` decodes the boxed answer found in ``rpc_result``."""

    __slots__ = ()
    _RESULT: ClassVar[str] = "Object"

    def _read_result(self, r: Reader) -> R:
        """Generated per function when the result is not a plain boxed object."""
        result: R = r.read_object()  # type: ignore[assignment]
        return result

    def read_result(self, data: bytes | bytearray | memoryview) -> R:
        """Decode this call's result from the bytes of ``rpc_result.result`` (already un-gzipped)."""
        r = Reader(data)
        try:
            value = self._read_result(r)
            if r.pos != len(r.data):
                raise DecodeError(f"{len(r.data) - r.pos} trailing bytes after the result", offset=r.pos)
        except RAW_ERRORS as e:
            raise explain(r.data, e, result_of=self) from None
        return value


def innermost(function: TLFunction[Any]) -> TLFunction[Any]:
    """The call inside any wrappers that carry it as ``query`` (invokeWithLayer, initConnection,
    invokeWithoutUpdates, invokeWithTakeout, ...): what the call is about."""
    inner = function
    while isinstance(query := getattr(inner, "query", None), TLFunction):
        inner = query
    return inner


def decode(data: bytes | bytearray | memoryview, substitutes: Substitutes | None = None) -> TLObject:
    """Decode one boxed object that fills ``data`` exactly (``substitutes``: constructors accepted where another
    type is expected, see ``Reader``).

    Any malformed input raises :class:`DecodeError` naming the constructor, field and offset.
    """
    r = Reader(data, substitutes=substitutes)
    try:
        obj = r.read_object()
        if r.pos != len(r.data):
            raise DecodeError(f"{len(r.data) - r.pos} trailing bytes after the object", offset=r.pos)
    except RAW_ERRORS as e:
        raise explain(r.data, e) from None
    return obj
