"""TL serialization: the runtime (``tl.core``) and the generated layer-229 + MTProto classes.

Public access: the generated packages ``tgfleet.tl.types`` and ``tgfleet.tl.functions`` (API, layer :data:`LAYER`;
one module per namespace) and the module ``tgfleet.tl.mtproto`` (service messages), :func:`decode`,
:class:`Reader`, :func:`innermost` (the call inside its wrappers). The project imports them one way:
``from tgfleet.tl import functions, mtproto, types`` (or a namespace module of them,
``from tgfleet.tl.functions import messages``). ``tl._gen`` (the generated id index) is private to this package:
an import-linter contract forbids importing it from anywhere else.
Imports only ``tgfleet.errors``; never ``tgfleet.crypto``. The generated modules load lazily on first use,
so ``import tgfleet.tl`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tgfleet.tl.core import Reader, TLFunction, TLObject, decode, innermost, lookup

if TYPE_CHECKING:
    from tgfleet.tl import functions, mtproto, types

__all__ = [
    "LAYER", "Reader", "TLFunction", "TLObject", "decode", "functions", "innermost", "lookup", "mtproto", "types",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in ("types", "functions", "mtproto"):
        import importlib

        return importlib.import_module(f"tgfleet.tl.{name}")
    if name == "LAYER":
        from tgfleet.tl._gen.index import LAYER

        return LAYER
    raise AttributeError(name)
