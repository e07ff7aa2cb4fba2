"""TL runtime: reader, writer helpers, base classes, the id registry and decode diagnostics.

Imports only ``tgfleet.errors`` (and, lazily, the generated index ``tgfleet.tl._gen.index``).
"""

from tgfleet.tl.core.base import TLFunction, TLObject, decode, innermost
from tgfleet.tl.core.reader import Reader
from tgfleet.tl.core.registry import lookup, register

__all__ = ["Reader", "TLFunction", "TLObject", "decode", "innermost", "lookup", "register"]
