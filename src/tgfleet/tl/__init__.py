"""TL serialization: the runtime (``tl.core``) and the generated layer-229 + MTProto classes (``tl._gen``).

Public access: ``tgfleet.tl.types``, ``tgfleet.tl.functions`` (API, layer :data:`LAYER`),
``tgfleet.tl.mtproto`` (service messages), :func:`decode`, :class:`Reader`.
Imports only ``tgfleet.errors``; never ``tgfleet.crypto``. The generated modules load lazily on first use,
so ``import tgfleet.tl`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tgfleet.tl.core import Reader, TLFunction, TLObject, decode, lookup

if TYPE_CHECKING:
    from tgfleet.tl._gen import functions, mtproto, types

__all__ = ["LAYER", "Reader", "TLFunction", "TLObject", "decode", "functions", "lookup", "mtproto", "types"]


def __getattr__(name: str) -> Any:
    if name in ("types", "functions", "mtproto"):
        import importlib

        return importlib.import_module(f"tgfleet.tl._gen.{name}")
    if name == "LAYER":
        from tgfleet.tl._gen.index import LAYER

        return LAYER
    raise AttributeError(name)
