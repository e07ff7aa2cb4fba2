"""The import hook behind ``tgfleet.raw``: its module names answer with tgfleet's generated modules.

``tgfleet.raw.functions[.ns]`` and ``tgfleet.raw.types[.ns]`` are the very modules of ``tgfleet.tl``
(never a second copy of the classes); ``tgfleet.raw.base[.ns]`` is a small module whose attribute ``Name``
is the generated base class ``TypeName`` of that namespace.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types as pytypes
from collections.abc import Sequence
from typing import Any

PREFIX = "tgfleet.raw."
_GENERATED = {"functions": "tgfleet.tl.functions", "types": "tgfleet.tl.types"}


class BaseTypes(pytypes.ModuleType):
    """``tgfleet.raw.base`` or one of its namespaces: ``Name`` is the generated ``TypeName``."""

    def __init__(self, name: str, source: str) -> None:
        super().__init__(name)
        self.__source = source

    def __getattr__(self, name: str) -> Any:
        source = importlib.import_module(self.__source)
        found = getattr(source, f"Type{name}", None)
        if found is None and not name.startswith("_"):
            namespace = getattr(source, name, None)
            if isinstance(namespace, pytypes.ModuleType):
                return importlib.import_module(f"{self.__name__}.{name}")
        if found is None:
            raise AttributeError(f"module {self.__name__!r} has no base type {name!r}")
        return found

    def __dir__(self) -> list[str]:
        source = importlib.import_module(self.__source)
        return sorted(n[4:] for n in vars(source) if n.startswith("Type") and len(n) > 4)


def _target(fullname: str) -> tuple[str, bool] | None:
    """The generated module a ``tgfleet.raw`` name stands for, and whether it is a base-types module."""
    if not fullname.startswith(PREFIX):
        return None
    head, _, rest = fullname[len(PREFIX) :].partition(".")
    if head == "base":
        return _GENERATED["types"] + (f".{rest}" if rest else ""), True
    if head in _GENERATED:
        return _GENERATED[head] + (f".{rest}" if rest else ""), False
    return None


class AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the ``tgfleet.raw`` names."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: pytypes.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        found = _target(fullname)
        if found is None or importlib.util.find_spec(found[0]) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> pytypes.ModuleType:
        source, is_base = _target(spec.name)  # type: ignore[misc]
        if is_base:
            return BaseTypes(spec.name, source)
        module = importlib.import_module(source)
        spec.loader_state = module.__spec__  # the import system sets __spec__ to ours: put it back after
        return module

    def exec_module(self, module: pytypes.ModuleType) -> None:
        real = module.__spec__.loader_state if module.__spec__ is not None else None
        if real is not None:
            module.__spec__ = real


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())
