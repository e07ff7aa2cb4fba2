"""Emit the RPC error classes of errors.tsv in Pyrogram's modules and names. Pure.

``src/tgfleet/errors/exceptions/<category>_<code>.py`` (``bad_request_400``, ``flood_420``, ...) holds one class per
(name, code), as Pyrogram lays them out: an error name listed under several codes is one family whose lowest code
gets the plain class name (``ChatWriteForbidden``, a ``BadRequest``) and each other code the name with the code
appended, subclassing both (``ChatWriteForbidden403(ChatWriteForbidden, Forbidden)``), so ``except
ChatWriteForbidden`` catches every code. ``src/tgfleet/errors/_gen.py`` holds the lookup tables of ``rpc_error``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from tools.tlgen.emit import HEADER
from tools.tlgen.parser import ErrorRow

ERRORS_PATH = "src/tgfleet/errors/_gen.py"
EXCEPTIONS_DIR = "src/tgfleet/errors/exceptions"
#: code -> (category class in ``tgfleet.errors.rpc``, module name); any other code counts as 500.
CATEGORIES = {
    303: ("SeeOther", "see_other_303"),
    400: ("BadRequest", "bad_request_400"),
    401: ("Unauthorized", "unauthorized_401"),
    403: ("Forbidden", "forbidden_403"),
    404: ("NotFound", "not_found_404"),
    406: ("NotAcceptable", "not_acceptable_406"),
    420: ("Flood", "flood_420"),
    500: ("InternalServerError", "internal_server_error_500"),
    503: ("ServiceUnavailable", "service_unavailable_503"),
}
#: Class names of ``tgfleet.errors`` itself: an error whose name would be one gets its code appended.
RESERVED = {cls for cls, _ in CATEGORIES.values()} | {"RPCError", "UnknownError"}
#: Names that mean "this id, username or phone names no peer": their classes are also ``PeerNotFound``, which
#: the client's resolver raises (with what it tried) when it cannot turn a chat id into a peer itself.
LOOKUP_ERRORS = {"PEER_ID_INVALID", "PHONE_NOT_OCCUPIED", "USERNAME_INVALID", "USERNAME_NOT_OCCUPIED"}
#: A parameter in a name: a token ``X`` (or ``XMIN``) between underscores. The server sends a number there.
NUMBERED = re.compile(r"(?<=_)X(?=_|$|MIN$)")


@dataclass(frozen=True)
class ErrorClass:
    name: str  # the Python class name
    error: str  # the error name of the table (Pyrogram's ``ID``)
    code: int  # the category code
    head: tuple[str, int] | None  # the family's first class and its code, which the others subclass
    description: str


def category_code(code: int) -> int:
    """The category a row's code belongs to: ``-503`` (how the server signs some) is 503, unknown ones 500."""
    return abs(code) if abs(code) in CATEGORIES else 500


def error_class_name(name: str, keep_x: bool = False) -> str:
    """Pyrogram's naming: ``FLOOD_WAIT_X`` -> ``FloodWait``, ``2FA_CONFIRM_WAIT_X`` -> ``TwoFaConfirmWait``.

    ``keep_x`` appends ``X`` for the parameter (``FILE_REFERENCE_X_EMPTY`` -> ``FileReferenceEmptyX``), used when
    the table also has the name without it.
    """
    if not name.isupper() and "_" not in name:
        return "".join(w[0].upper() + w[1:] for w in name.split())
    words = []
    for t in name.split("_"):
        if not t or t == "X":
            continue
        if t.startswith("2"):  # 2FA -> TwoFa
            words.append("Two" + t[1:].capitalize())
        else:  # XMIN (a number of minutes) -> Min
            words.append((t[1:] if t == "XMIN" else t).capitalize())
    return "".join(words) + ("X" if keep_x and NUMBERED.search(name) else "")


def plan(rows: list[ErrorRow]) -> list[ErrorClass]:
    """Every class to write, heads before the classes that subclass them."""
    descriptions: dict[tuple[str, int], str] = {}
    for row in rows:  # -503 and 503 rows of one name are one class
        key = (row.name, category_code(row.code))
        descriptions[key] = descriptions.get(key) or row.description
    plain = {(error_class_name(n), c) for n, c in descriptions if n.isupper() and not NUMBERED.search(n)}
    families: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, code in descriptions:
        families[error_class_name(name)].append((code, name))
    out = []
    for base, members in sorted(families.items()):
        members.sort()
        head = None
        for i, (code, name) in enumerate(members):
            if NUMBERED.search(name) and (base, code) in plain:  # the numbered twin of a plain name keeps its X
                cls = error_class_name(name, keep_x=True)
            else:
                cls = f"{base}{code}" if i or base in RESERVED else base
            out.append(ErrorClass(cls, name, code, head, descriptions[name, code]))
            head = head or (cls, code)
    if len({c.name for c in out}) != len(out):
        raise ValueError("two error names map to one class name")
    return out


def emit_errors(rows: list[ErrorRow], source: str) -> dict[str, str]:
    """Path -> text of every file under ``errors/`` the generator owns."""
    classes = plan(rows)
    where = {c.name: CATEGORIES[c.code][1] for c in classes}
    files = {
        f"{EXCEPTIONS_DIR}/{module}.py": _module(code, classes, where, source)
        for code, (_, module) in CATEGORIES.items()
    }
    files[f"{EXCEPTIONS_DIR}/__init__.py"] = _package(source)
    files[ERRORS_PATH] = _tables(classes, rows, source)
    return files


def _module(code: int, classes: list[ErrorClass], where: dict[str, str], source: str) -> str:
    category = CATEGORIES[code][0]
    mine = [c for c in classes if c.code == code]
    heads = sorted({c.head[0] for c in mine if c.head is not None and c.head[1] != code})
    out = [
        HEADER.format(source=source),
        f'"""The RPC errors of code {code} (``{category}``), one class per error name."""',
        "",
        *(["from tgfleet.errors.base import PeerNotFound"] if any(_is_lookup(c) for c in mine) else []),
        f"from tgfleet.errors.rpc import {category}",
    ]
    for other in sorted({where[h] for h in heads}):
        names = ", ".join(h for h in heads if where[h] == other)
        out.append(f"from tgfleet.errors.exceptions.{other} import {names}")
    out += ["", f"__all__ = [{', '.join(repr(n) for n in [category, *(c.name for c in mine)])}]", ""]
    for c in mine:
        bases = category if c.head is None else c.head[0] if c.head[1] == code else f"{c.head[0]}, {category}"
        bases += ", PeerNotFound" if _is_lookup(c) else ""
        doc = c.description.replace("\\", "\\\\").replace('"', '\\"') or c.error
        out += ["", f"class {c.name}({bases}):", f'    ID = "{c.error}"', f"    CODE = {code}"]
        out += [f"    NAME = {category}.NAME", f'    MESSAGE = "{doc}"', ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _is_lookup(c: ErrorClass) -> bool:
    """Whether ``c`` adds ``PeerNotFound`` to its bases (the other codes of its name inherit it)."""
    return c.error in LOOKUP_ERRORS and c.head is None


def _package(source: str) -> str:
    modules = [m for _, m in CATEGORIES.values()]
    return "\n".join(
        [
            HEADER.format(source=source),
            '"""Pyrogram\'s error modules: ``tgfleet.errors.exceptions.bad_request_400.PeerIdInvalid``, ...'
            ' (every class is also ``tgfleet.errors.<Name>``)."""',
            "",
            *(f"from tgfleet.errors.exceptions.{m} import *  # noqa: F403" for m in modules),
            "",
        ]
    )


def _tables(classes: list[ErrorClass], rows: list[ErrorRow], source: str) -> str:
    by_name: dict[str, list[str]] = defaultdict(list)
    modules = {m: f"e{code}" for code, (_, m) in CATEGORIES.items()}
    for c in classes:
        by_name[c.error].append(f"{c.code}: {modules[CATEGORIES[c.code][1]]}.{c.name}")
    out = [
        HEADER.format(source=source),
        '"""The lookup tables of ``rpc_error``: error name -> class per code, and the numbered names."""',
        "",
        "from __future__ import annotations",
        "",
        "from tgfleet.errors.exceptions import (",
        *(f"    {m} as {alias}," for m, alias in modules.items()),
        ")",
        "from tgfleet.errors.rpc import RPCError",
        "",
        "#: error name -> category code -> class.",
        "BY_NAME: dict[str, dict[int, type[RPCError]]] = {",
        *(f'    "{name}": {{{", ".join(entries)}}},' for name, entries in sorted(by_name.items())),
        "}",
    ]
    numbered = sorted({r.name for r in rows if NUMBERED.search(r.name)})
    out += ["", "#: Names whose X the server replaces by a number (FLOOD_WAIT_31).", "NUMBERED = ("]
    out += [f'    "{n}",' for n in numbered] + [")"]
    return "\n".join(out) + "\n"
