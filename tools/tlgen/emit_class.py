"""Emit the source of one generated class (constructor or function). Pure."""

from __future__ import annotations

from tools.tlgen.emit import Module, class_name, fixed_code, is_fixed, py_name, type_class_name, type_module
from tools.tlgen.parser import Combinator, Param

_I4 = "    "


def emit_class(m: Module, c: Combinator) -> list[str]:
    name = class_name(c.name)
    fields = [p for p in c.params if p.ty.kind != "flags"]
    slots = ", ".join(f'"{py_name(p.name)}"' for p in fields)
    kind = f"function ``{c.name}#{c.id:08x}`` returning" if c.is_function else f"``{c.name}#{c.id:08x}`` of type"
    out = [f"class {name}({base_of(m, c)}):", f'{_I4}"""TL {kind} ``{c.result}``; fields: ``_TL``."""', ""]
    out.append(f"{_I4}__slots__ = ({slots}{',' if len(fields) == 1 else ''})")
    out.append(f"{_I4}CONSTRUCTOR_ID = 0x{c.id:08X}")
    out.append(f'{_I4}QUALNAME = "{c.name}"')
    out.append(f'{_I4}_TL = "{m.schema.tl_fields(c)}"')
    optional = sorted(py_name(p.name) for p in fields if p.flag_field)
    if optional:
        out.append(f"{_I4}_OPTIONAL = frozenset({{{', '.join(repr(o) for o in optional)}}})")
    if c.is_function:
        out.append(f'{_I4}_RESULT = "{m.schema.show(c.source, c.result)}"')
    out += [""] + emit_init(m, c, fields)
    out += [""] + emit_write(m, c, "_write", with_id=True)
    if (c.source, c.name) in m.schema.bare_used:
        out += [""] + emit_write(m, c, "_write_bare", with_id=False)
    out += [""] + emit_read(m, c)
    if c.is_function:
        out += [""] + emit_read_result(m, c)
    return out


def base_of(m: Module, c: Combinator) -> str:
    if c.is_function:
        if c.result.kind == "object" and c.result.name in c.generics:
            m.generic = True
            return "_F[_X]"
        return m.result_base(m.annotation(c.source, c.result))
    return m.ref(type_module(c.source, str(c.result)), type_class_name(str(c.result)))


def emit_init(m: Module, c: Combinator, fields: list[Param]) -> list[str]:
    if not fields:
        return [f"{_I4}def __init__(self) -> None:", f"{_I4}{_I4}pass"]
    args = []
    for p in fields:
        ann = m.annotation(c.source, p.ty)
        if p.ty.kind == "true":
            args.append(f"{py_name(p.name)}: bool = False")
        elif p.flag_field:
            args.append(f"{py_name(p.name)}: {ann} | None = None")
        else:
            args.append(f"{py_name(p.name)}: {ann}")
    out = [f"{_I4}def __init__(self, *, {', '.join(args)}) -> None:"]
    out += [f"{_I4}{_I4}self.{py_name(p.name)} = {py_name(p.name)}" for p in fields]
    return out


def flag_expr(c: Combinator, flags: str) -> str:
    parts = []
    for p in c.params:
        if p.flag_field != flags:
            continue
        bit, attr = 1 << p.flag_bit, f"self.{py_name(p.name)}"
        parts.append(f"({bit} if {attr} else 0)" if p.ty.kind == "true" else f"(0 if {attr} is None else {bit})")
    return " | ".join(parts) or "0"


def emit_write(m: Module, c: Combinator, method: str, with_id: bool) -> list[str]:
    body: list[str] = []
    for p in c.params:
        if p.ty.kind == "flags":
            body.append(f"{p.name} = {flag_expr(c, p.name)}")
    group_fmt = "I" if with_id else ""
    group_vals = [f"0x{c.id:08X}"] if with_id else []

    def flush() -> None:
        nonlocal group_fmt, group_vals
        if group_fmt == "I":
            body.append(f"out += {c.id.to_bytes(4, 'little')!r}")
        elif group_fmt:
            body.append(f"out += {m.struct(group_fmt)}.pack({', '.join(group_vals)})")
        group_fmt, group_vals = "", []

    for p in c.params:
        if p.ty.kind == "true":
            continue
        if is_fixed(p):
            group_fmt += fixed_code(p)
            group_vals.append(p.name if p.ty.kind == "flags" else f"self.{py_name(p.name)}")
            continue
        flush()
        stmts = m.write_stmts(c.source, p.ty, f"self.{py_name(p.name)}")
        if p.flag_field:
            body.append(f"if {p.flag_field} & {1 << p.flag_bit}:")
            body += [_I4 + s for s in stmts]
        else:
            body += stmts
    flush()
    head = f"{_I4}def {method}(self, out: bytearray) -> None:"
    return [head] + [f"{_I4}{_I4}{s}" for s in (body or ["pass"])]


def emit_read(m: Module, c: Combinator) -> list[str]:
    body = ["o = _new(cls)"]
    group: list[Param] = []
    pending_true: list[str] = []

    def flush() -> None:
        targets = [p.name if p.ty.kind == "flags" else f"o.{py_name(p.name)}" for p in group]
        if len(group) == 1:
            p = group[0]
            expr = "r.read_uint()" if p.ty.kind == "flags" else m.read_expr(c.source, p.ty)
            body.append(f"{targets[0]} = {expr}")
        elif group:
            fmt = "".join(fixed_code(p) for p in group)
            body.append(f"{', '.join(targets)} = r.unpack({m.struct(fmt)})")
        group.clear()
        body.extend(pending_true)
        pending_true.clear()

    for p in c.params:
        attr = f"o.{py_name(p.name)}"
        if p.ty.kind == "true":
            pending_true.append(f"{attr} = ({p.flag_field} & {1 << p.flag_bit}) != 0")
        elif is_fixed(p):
            group.append(p)
        else:
            flush()
            expr = m.read_expr(c.source, p.ty)
            if p.flag_field:
                expr = f"{expr} if {p.flag_field} & {1 << p.flag_bit} else None"
            body.append(f"{attr} = {expr}")
    flush()
    body.append("return o")
    head = [f"{_I4}@classmethod", f"{_I4}def _read(cls, r: _Reader) -> {class_name(c.name)}:"]
    return head + [f"{_I4}{_I4}{s}" for s in body]


def emit_read_result(m: Module, c: Combinator) -> list[str]:
    if c.result.kind == "object" and c.result.name in c.generics:
        query = next(p for p in c.params if p.ty.kind == "generic")
        expr = f"self.{py_name(query.name)}._read_result(r)"
    else:
        expr = m.read_expr(c.source, c.result)
    ann = "_X" if c.result.kind == "object" and c.result.name in c.generics else m.annotation(c.source, c.result)
    return [f"{_I4}def _read_result(self, r: _Reader) -> {ann}:", f"{_I4}{_I4}return {expr}"]
