"""Assemble generated modules: one per TL namespace, plus the index. Pure: data in, {path: text} out."""

from __future__ import annotations

from collections import defaultdict

from tools.tlgen.emit import (
    GEN_ROOT,
    HEADER,
    PKG,
    Module,
    Schema,
    alias,
    class_name,
    module_of,
    module_path,
    type_class_name,
)
from tools.tlgen.emit import type_module as type_module_of
from tools.tlgen.emit_class import emit_class
from tools.tlgen.parser import Combinator

_IMPORTS = """from __future__ import annotations

import struct as _struct
from typing import TYPE_CHECKING, TypeVar

from tgfleet.tl._gen.index import TYPE_IDS as _TYPE_IDS
from tgfleet.tl.core.base import TLFunction as _F
from tgfleet.tl.core.base import TLObject as _O
from tgfleet.tl.core.reader import Reader as _Reader
from tgfleet.tl.core.registry import register as _register
from tgfleet.tl.core.writer import BOOL_FALSE as _FALSE
from tgfleet.tl.core.writer import BOOL_TRUE as _TRUE
from tgfleet.tl.core.writer import write_bytes as _wb
from tgfleet.tl.core.writer import write_raw as _wr
from tgfleet.tl.core.writer import write_string as _ws
from tgfleet.tl.core.writer import write_vector_bytes as _wvb
from tgfleet.tl.core.writer import write_vector_double as _wvd
from tgfleet.tl.core.writer import write_vector_int as _wvi
from tgfleet.tl.core.writer import write_vector_long as _wvl
from tgfleet.tl.core.writer import write_vector_object as _wvo
from tgfleet.tl.core.writer import write_vector_string as _wvs
"""


def generate(combinators: list[Combinator], layer: int, sources: dict[str, str]) -> dict[str, str]:
    """All generated TL files: ``{path relative to the repository root: source text}``."""
    schema = Schema(combinators)
    per_module: dict[str, list[Combinator]] = defaultdict(list)
    types_per_module: dict[str, list[str]] = defaultdict(list)
    for c in schema.all:
        per_module[module_of(c)].append(c)
    for ctors in schema.by_type.values():
        c = ctors[0]
        types_per_module[type_module_of(c.source, str(c.result))].append(str(c.result))
    modules = sorted(set(per_module) | set(types_per_module))
    packages = {m.rpartition(".")[0] for m in modules}
    files = {}
    for name in modules:
        children = sorted(m.rpartition(".")[2] for m in modules if m.rpartition(".")[0] == name)
        source = sources["mtproto" if name.endswith("mtproto") else "api"]
        text = emit_module(schema, name, types_per_module[name], per_module[name], children, source)
        files[module_path(name, name in packages)] = text
    files[f"{GEN_ROOT}/_gen/__init__.py"] = (
        HEADER.format(source="schema/") + '"""The generated index of the TL classes: private to ``tgfleet.tl``."""\n'
    )
    files[module_path(f"{PKG}._gen.index", False)] = emit_index(schema, layer, sources)
    return files


def emit_module(
    schema: Schema,
    name: str,
    type_names: list[str],
    ctors: list[Combinator],
    children: list[str],
    source: str,
) -> str:
    m = Module(schema, name)
    body: list[str] = []
    src = "mtproto" if name == f"{PKG}.mtproto" else "api"
    for type_name in sorted(type_names):
        members = ", ".join(f"``{c.name}``" for c in schema.by_type[schema.type_key(src, type_name)])
        body += [
            f"class {type_class_name(type_name)}(_O):",
            f'    """Any constructor of the TL type ``{type_name}``: {members}."""',
            "",
            "    __slots__ = ()",
            "",
            "",
        ]
    for c in ctors:
        body += emit_class(m, c) + ["", ""]
    kind = "functions" if ".functions" in name else "types"
    ns = name[len(PKG) + 1 :]
    out = [HEADER.format(source=source), f'"""TL {kind} of ``{ns}``."""', "", _IMPORTS]
    if m.annotation_modules or m.result_bases or children:
        out.append("if TYPE_CHECKING:")
        out += [f"    from {name} import {child} as {child}" for child in children]
        for mod in sorted(m.annotation_modules):
            parent, _, leaf = mod.rpartition(".")
            out.append(f"    from {parent} import {leaf} as {alias(mod)}")
        out += [f"    {var} = _F[{ann}]" for ann, var in m.result_bases.items()]
        if m.result_bases:
            out += ["else:"] + [f"    {var} = _F" for var in m.result_bases.values()]
        out.append("")
    out += ["_new = object.__new__", '_X = TypeVar("_X")']
    out += [f'{var} = _struct.Struct("<{fmt}")' for fmt, var in sorted(m.structs.items())]
    out += [f'{var} = _TYPE_IDS["{key}"]' for key, var in sorted(m.type_ids.items())]
    if children:
        out += ["", f"_NAMESPACES = frozenset({{{', '.join(repr(c) for c in children)}}})", ""]
        out += [
            "",
            "def __getattr__(name: str) -> object:",
            "    if name in _NAMESPACES:",
            "        import importlib",
            "",
            '        return importlib.import_module(f"{__name__}.{name}")',
            "    raise AttributeError(name)",
        ]
    out += ["", ""] + body
    if ctors:
        out.append(f"_register({', '.join(class_name(c.name) for c in ctors)})")
    return "\n".join(out).rstrip() + "\n"


def emit_index(schema: Schema, layer: int, sources: dict[str, str]) -> str:
    modules = sorted({module_of(c) for c in schema.all})
    consts = {mod: f"_M{i}" for i, mod in enumerate(modules)}
    out = [
        HEADER.format(source=", ".join(sources.values())),
        '"""Where each constructor id lives, which ids make up each TL type, and the API layer."""',
        "",
        "from __future__ import annotations",
        "",
        f"LAYER = {layer}",
        "",
    ]
    out += [f'{var} = "{mod}"' for mod, var in consts.items()]
    out += ["", "MODULES: dict[int, str] = {"]
    out += [f"    0x{c.id:08X}: {consts[module_of(c)]},  # {c.name}" for c in schema.all]
    out += ["}", "", "TYPE_IDS: dict[str, frozenset[int]] = {"]
    for key in sorted(schema.by_type):
        ids = ", ".join(f"0x{c.id:08X}" for c in schema.by_type[key])
        out.append(f'    "{key}": frozenset(({ids},)),')
    out += ["}", "", "BARE: dict[str, int] = {"]
    for source, name in sorted(schema.bare_used):
        c = schema.by_name[(source, name)]
        out.append(f'    "{name}": 0x{c.id:08X},')
        if c.result.name != name:
            out.append(f'    "{c.result.name}": 0x{c.id:08X},')
    out.append("}")
    return "\n".join(out) + "\n"
