"""``tgfleet.raw``: the TL API under Pyrogram's import paths, for code written against ``pyrogram.raw``.

``tgfleet.raw.functions`` and ``tgfleet.raw.types`` (and their namespaces, ``tgfleet.raw.functions.messages``
...) are tgfleet's generated modules themselves, so ``raw.types.User is tgfleet.tl.types.User``;
``tgfleet.raw.base.User`` is the abstract base of the ``User`` constructors (``tgfleet.tl.types.TypeUser``).
Owns only the aliases (``aliases.py``); nothing loads before it is used, so ``import tgfleet`` stays cheap.
May import ``tgfleet.tl``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tgfleet.raw.aliases import install

if TYPE_CHECKING:
    from tgfleet.tl import functions, types
    from tgfleet.tl import types as base

__all__ = ["base", "functions", "types"]

install()


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"tgfleet.raw.{name}")
    raise AttributeError(f"module 'tgfleet.raw' has no attribute {name!r}")
