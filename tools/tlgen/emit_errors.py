"""Emit ``tgfleet/errors/_gen.py``: one class per RPC error name of errors.tsv. Pure."""

from __future__ import annotations

import re
from collections import defaultdict

from tools.tlgen.emit import HEADER
from tools.tlgen.parser import ErrorRow

ERRORS_PATH = "src/tgfleet/errors/_gen.py"
CODE_CLASSES = {
    303: "SeeOther",
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    406: "NotAcceptable",
    420: "Flood",
    500: "InternalServerError",
}
#: A parameter in a name: a token ``X`` (or ``XMIN``) between underscores. The server sends a number there.
NUMBERED = re.compile(r"(?<=_)X(?=_|$|MIN$)")


def error_class_name(name: str, keep_x: bool = False) -> str:
    """Pyrogram's naming: ``FLOOD_WAIT_X`` -> ``FloodWait``, ``2FA_CONFIRM_WAIT_X`` -> ``TwoFaConfirmWait``.

    ``keep_x`` keeps the parameter token (``EMAIL_UNCONFIRMED_X`` -> ``EmailUnconfirmedX``), used when the
    table also has the name without it.
    """
    if not name.isupper() and "_" not in name:
        return "".join(w[0].upper() + w[1:] for w in name.split())
    tokens = [t for t in name.split("_") if t and (keep_x or t != "X")]
    words = []
    for t in tokens:
        if t == "X":
            words.append("X")
        elif t.startswith("2"):  # 2FA -> TwoFa
            words.append("Two" + t[1:].capitalize())
        else:  # XMIN (a number of minutes) -> Min
            words.append((t[1:] if t == "XMIN" else t).capitalize())
    return "".join(words)


def class_names(names: list[str]) -> dict[str, str]:
    """Class name per error name. Where two names collide, the plain UPPER_CASE name keeps the short
    class name, a numbered one keeps its ``X`` and a mixed-case (server-internal) one gets ``Server``."""
    plain = {error_class_name(n) for n in names if n.isupper() and not NUMBERED.search(n)}
    out = {}
    for n in names:
        cls = error_class_name(n)
        if cls in plain and not (n.isupper() and not NUMBERED.search(n)):
            cls = error_class_name(n, keep_x=True) if n.isupper() else "Server" + cls
        out[n] = cls
    if len(set(out.values())) != len(out):
        raise ValueError("two error names map to one class name")
    return out


def code_base(code: int) -> str:
    return CODE_CLASSES.get(code, "InternalServerError")


def emit_errors(rows: list[ErrorRow], source: str) -> str:
    by_name: dict[str, list[ErrorRow]] = defaultdict(list)
    for row in rows:
        by_name[row.name].append(row)
    out = [
        HEADER.format(source=source),
        '"""One exception class per RPC error name (Pyrogram\'s class names), and the lookup tables."""',
        "",
        "from __future__ import annotations",
        "",
        "from tgfleet.errors.rpc import (",
        *(f"    {c}," for c in sorted(set(CODE_CLASSES.values()) | {"RPCError"})),
        ")",
        "",
    ]
    table: list[str] = []
    names = class_names(sorted(by_name))
    for name in sorted(by_name):
        variants = by_name[name]
        cls = names[name]
        doc = variants[0].description.replace("\\", "\\\\").replace('"', '\\"') or name
        if len(variants) == 1:
            out += _cls(cls, code_base(variants[0].code), name, variants[0].code, doc)
            table.append(f'    "{name}": {cls},')
            continue
        out += _cls(cls, "RPCError", name, variants[0].code, doc)
        codes = []
        for row in variants:
            sub = f"{cls}_{'N' if row.code < 0 else ''}{abs(row.code)}"
            out += _cls(sub, f"{cls}, {code_base(row.code)}", name, row.code, doc)
            codes.append(f"{row.code}: {sub}")
        table.append(f'    "{name}": {{{", ".join(codes)}}},')
    out += [
        "",
        "#: name -> class, or code -> class for names listed under several codes.",
        "BY_NAME: dict[str, type[RPCError] | dict[int, type[RPCError]]] = {",
        *table,
        "}",
    ]
    numbered = sorted(n for n in by_name if NUMBERED.search(n))
    out += ["", "#: Names whose X the server replaces by a number (FLOOD_WAIT_31).", "NUMBERED = ("]
    out += [f'    "{n}",' for n in numbered] + [")"]
    return "\n".join(out) + "\n"


def _cls(name: str, bases: str, error: str, code: int, doc: str) -> list[str]:
    return [
        "",
        f"class {name}({bases}):",
        f'    NAME = "{error}"',
        f"    CODE = {code}",
        f'    MESSAGE = "{doc}"',
        "",
    ]
