"""Hypothesis strategies for TL values, derived from the schema itself (via the generator's parser).

``value(ty)`` draws a Python value of any TL type; ``obj(combinator)`` builds an instance of a generated
class with every conditional field set or unset (fields sharing a flag bit together), nested objects
bounded in depth.
"""

from __future__ import annotations

import importlib
import struct
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tools.tlgen.emit import Schema, class_name, module_of, py_name
from tools.tlgen.parser import Combinator, Ty, parse

ROOT = Path(__file__).resolve().parents[2]
MAX_DEPTH = 2


@lru_cache(maxsize=1)
def schema() -> Schema:
    combinators = parse((ROOT / "schema/api.tl").read_text(), "api")
    combinators += parse((ROOT / "schema/mtproto.tl").read_text(), "mtproto")
    return Schema(combinators)


def cls_of(c: Combinator) -> Any:
    return getattr(importlib.import_module(module_of(c)), class_name(c.name))


@cache
def depth_cost() -> dict[str, int]:
    """Least nesting depth needed to build a value of each boxed type (fixpoint over the schema)."""
    s = schema()
    cost: dict[str, int] = {}
    for _ in range(20):
        for key, ctors in s.by_type.items():
            best = min((ctor_cost(s, c, cost) for c in ctors), default=99)
            cost[key] = min(cost.get(key, 99), best)
    return cost


def ctor_cost(s: Schema, c: Combinator, cost: dict[str, int]) -> int:
    need = [
        cost.get(s.type_key(c.source, p.ty.name), 99) for p in c.params if p.flag_field is None and p.ty.kind == "boxed"
    ]
    return 1 + max(need, default=0)


_PRIM = {
    "int": st.integers(-(2**31), 2**31 - 1),
    "long": st.integers(-(2**63), 2**63 - 1),
    "double": st.floats(allow_nan=False),
    "int128": st.binary(min_size=16, max_size=16),
    "int256": st.binary(min_size=32, max_size=32),
    # mostly short; sometimes past 253 bytes, where the length prefix changes form
    "string": st.text(st.characters(blacklist_categories=("Cs",)), max_size=8) | st.just("ж" * 130),
    "bytes": st.binary(max_size=8) | st.binary(min_size=254, max_size=260),
}


def value(source: str, ty: Ty, depth: int = 0) -> st.SearchStrategy[Any]:
    s = schema()
    if ty.kind == "prim":
        return _PRIM[ty.name]
    if ty.kind in ("bool", "true"):
        return st.booleans()
    if ty.kind in ("vector", "bare_vector"):
        assert ty.item is not None
        return st.lists(value(source, ty.item, depth + 1), max_size=0 if depth >= MAX_DEPTH else 2)
    if ty.kind == "object":
        return st.just(cls_of(s.by_name[("api", "inputPeerSelf")])())
    if ty.kind == "generic":
        return st.just(cls_of(s.by_name[("api", "help.getConfig")])())
    if ty.kind == "bare":
        return obj(s.bare_target(source, ty.name), depth + 1)
    key = s.type_key(source, ty.name)
    ctors = s.by_type[key]
    if depth >= MAX_DEPTH:
        cost = depth_cost()
        least = min(ctor_cost(s, c, cost) for c in ctors)
        ctors = [c for c in ctors if ctor_cost(s, c, cost) == least]
    return st.sampled_from(ctors).flatmap(lambda c: obj(c, depth + 1))


def obj(c: Combinator, depth: int = 0, flags: str = "any") -> st.SearchStrategy[Any]:
    """An instance of ``c``'s class; ``flags`` = "any" / "all" (every bit set) / "none"."""
    bits = sorted({(p.flag_field, p.flag_bit) for p in c.params if p.flag_field})
    if flags == "any" and depth < MAX_DEPTH:
        chosen = st.fixed_dictionaries({b: st.booleans() for b in bits})
    else:
        chosen = st.just({b: flags == "all" for b in bits})

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        on = draw(chosen)
        kwargs = {}
        for p in c.params:
            if p.ty.kind == "flags":
                continue
            if p.flag_field is not None and not on[(p.flag_field, p.flag_bit)]:
                continue
            kwargs[py_name(p.name)] = True if p.ty.kind == "true" else draw(value(c.source, p.ty, depth))
        return cls_of(c)(**kwargs)

    return build()


def serialize(source: str, ty: Ty, v: Any) -> bytes:
    """Boxed serialization of a result value (what a server puts in rpc_result)."""
    if ty.kind == "bool":
        return struct.pack("<I", 0x997275B5 if v else 0xBC799737)
    if ty.kind == "vector":
        assert ty.item is not None
        head = struct.pack("<Ii", 0x1CB5C415, len(v))
        if ty.item.kind == "prim":
            fmt = {"int": "i", "long": "q"}[ty.item.name]
            return head + struct.pack(f"<{len(v)}{fmt}", *v)
        return head + b"".join(x.to_bytes() for x in v)
    return bytes(v.to_bytes())
