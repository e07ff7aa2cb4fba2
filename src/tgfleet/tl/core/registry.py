"""Constructor id -> class, across the API and MTProto schemas, loaded lazily.

Generated modules call :func:`register` for their classes when imported. :func:`lookup` imports the
module that defines an id on first use (the generated ``index`` maps every id to its module), so a
program only pays for the namespaces it actually meets.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from tgfleet.errors import DecodeError

if TYPE_CHECKING:
    from tgfleet.tl.core.base import TLObject

classes: dict[int, type[TLObject]] = {}
"""Registered classes by constructor id (only grows; never rebound, readers keep a reference)."""

_modules: dict[int, str] | None = None


def register(*new: type[TLObject]) -> None:
    for cls in new:
        classes[cls.CONSTRUCTOR_ID] = cls


def module_of(cid: int) -> str | None:
    """Name of the generated module that defines constructor ``cid`` (None if the id is unknown)."""
    global _modules
    if _modules is None:
        from tgfleet.tl._gen.index import MODULES

        _modules = MODULES
    return _modules.get(cid)


def lookup(cid: int) -> type[TLObject]:
    """The class of constructor ``cid``; raises DecodeError for an id neither schema defines."""
    cls = classes.get(cid)
    if cls is None:
        module = module_of(cid)
        if module is None:
            raise DecodeError(f"unknown constructor id 0x{cid:08x}")
        importlib.import_module(module)
        cls = classes[cid]
    return cls
