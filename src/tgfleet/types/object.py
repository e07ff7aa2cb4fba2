"""``Object``: the base of every high-level type, and ``lazy``, the field computed from TL on first read.

A type is built two ways. Users (and tests) call the constructor with Pyrogram's keyword arguments, which
sets every field. The library builds it from TL with ``_parse``: that only keeps the TL object (and the
answer's users and chats maps), and each ``lazy`` field computes its value on first read and then keeps it
as a plain attribute, so building many messages costs almost nothing and reading a field twice is a dict
lookup. ``str(obj)`` is Pyrogram's JSON dump: ``"_": "ClassName"``, then the fields in the class's
``FIELDS`` order, ``None`` values left out, ``phone_number`` masked, dates and enums as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar, overload

T = TypeVar("T")
Self = TypeVar("Self", bound="Object")

_HIDDEN_VALUE = "*" * 9
_MASKED = frozenset({"phone_number"})


class lazy(Generic[T]):
    """A field read from the TL object on first access, then stored in the instance (which wins next time)."""

    __slots__ = ("func", "name")

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> T | lazy[T]:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


class Object:
    """A Pyrogram-style object: keyword construction, lazy fields from TL, Pyrogram's ``str``/``repr``."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    _client: Any = None
    _raw: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.FIELDS:  # a field neither lazy nor given a default reads None
            if not hasattr(cls, name):
                setattr(cls, name, None)

    def __init__(self, *, client: Any = None, **fields: Any) -> None:
        unknown = fields.keys() - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected fields {sorted(unknown)}")
        d = self.__dict__
        d["_client"] = client
        for name in self.FIELDS:
            d[name] = fields.get(name)

    @classmethod
    def _lazy(cls: type[Self], client: Any, raw: Any) -> Self:
        """An instance whose fields come from ``raw`` when read."""
        obj = cls.__new__(cls)
        d = obj.__dict__
        d["_client"] = client
        d["_raw"] = raw
        return obj

    @property
    def raw(self) -> Any:
        """The TL object this was built from (None for one built by hand)."""
        return self._raw

    def bind(self, client: Any) -> None:
        """Bind ``client`` to this object and the objects in it, for the bound methods (``message.reply``)."""
        self.__dict__["_client"] = client
        for name in self.FIELDS:
            value = getattr(self, name)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, Object):
                    item.bind(client)

    def _values(self) -> dict[str, Any]:
        return {name: value for name in self.FIELDS if (value := getattr(self, name)) is not None}

    def __str__(self) -> str:
        return json.dumps(self, indent=4, default=_plain, ensure_ascii=False)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._values().items())
        return f"tgfleet.types.{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Object)
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __getstate__(self) -> dict[str, Any]:
        state = {name: getattr(self, name) for name in self.FIELDS}
        state["_raw"] = self._raw
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__["_client"] = None


class List(list[T]):
    """A list of objects whose ``str`` is Pyrogram's JSON dump too."""

    def __str__(self) -> str:
        return json.dumps(self, indent=4, default=_plain, ensure_ascii=False)

    def __repr__(self) -> str:
        return f"tgfleet.types.List([{', '.join(repr(x) for x in self)}])"


def _plain(obj: Any) -> Any:
    if isinstance(obj, Object):
        values = obj._values()
        for name in _MASKED & values.keys():
            values[name] = _HIDDEN_VALUE
        return {"_": type(obj).__name__, **values}
    if isinstance(obj, (Enum, datetime)):
        return str(obj)
    if isinstance(obj, (bytes, re.Match)):
        return repr(obj)
    raise TypeError(f"{type(obj).__name__} is not shown in a dump")
