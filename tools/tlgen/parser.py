"""Parse TL schema text (api.tl, mtproto.tl) into combinators. Pure: text in, data out.

The grammar handled is what the two schemas use (https://core.telegram.org/mtproto/TL):
``name#id {X:Type} field:type flags:# opt:flags.N?type bit:flags.N?true q:!X = Result;`` with
``---types---`` / ``---functions---`` section markers, ``//`` comment lines, namespaces (``ns.name``),
``Vector<T>`` (boxed) and ``vector<T>`` / ``%T`` (bare).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

#: Built-in types: handled natively by the runtime, no class is generated for them.
BUILTIN_NAMES = frozenset(
    {
        "int",
        "long",
        "double",
        "string",
        "bytes",
        "vector",
        "int128",
        "int256",
        "true",
        "boolFalse",
        "boolTrue",
    }
)
PRIMITIVES = frozenset({"int", "long", "double", "string", "bytes", "int128", "int256"})

_DECL = re.compile(
    r"^(?P<name>[A-Za-z_][\w.]*)(?:#(?P<id>[0-9a-fA-F]{1,8}))?"
    r"(?P<generics>(?:\s+\{[^}]*\})*)"
    r"(?P<params>(?:\s+[^=]+?)?)\s*=\s*(?P<result>[^;]+?)\s*;$"
)
_PARAM = re.compile(r"^(?P<name>\w+):(?:(?P<flags>\w+)\.(?P<bit>\d+)\?)?(?P<type>.+)$")
_GENERIC = re.compile(r"\{(\w+):Type\}")


class SchemaError(ValueError):
    """The schema text does not follow the grammar; the message names the line."""


@dataclass(frozen=True)
class Ty:
    """A field or result type.

    kind: ``prim`` (int/long/double/string/bytes/int128/int256), ``true`` (flag-only), ``bool``,
    ``flags`` (``#``), ``boxed`` (a boxed type name), ``bare`` (a bare constructor or ``%Type``),
    ``vector`` (boxed ``Vector<item>``), ``bare_vector`` (``vector<item>``), ``object`` (any boxed
    object), ``generic`` (``!X``: a whole serialized function call).
    """

    kind: str
    name: str = ""
    item: Ty | None = None

    def __str__(self) -> str:
        if self.kind == "vector":
            return f"Vector<{self.item}>"
        if self.kind == "bare_vector":
            return f"vector<{self.item}>"
        if self.kind == "generic":
            return f"!{self.name}"
        if self.kind == "bare" and self.name.rpartition(".")[2][0].isupper():
            return f"%{self.name}"
        return self.name


@dataclass(frozen=True)
class Param:
    name: str
    ty: Ty
    flag_field: str | None = None  # "flags" / "flags2" when conditional
    flag_bit: int = -1

    @property
    def is_flag_bool(self) -> bool:
        """A ``flags.N?true`` field: no payload, only the bit."""
        return self.flag_field is not None and self.ty.kind == "true"


@dataclass(frozen=True)
class Combinator:
    name: str  # full TL name, e.g. "messages.sendMessage"
    explicit_id: int | None
    crc_id: int
    params: tuple[Param, ...]
    result: Ty
    is_function: bool
    generics: tuple[str, ...]
    line: int
    source: str  # which schema file ("api" / "mtproto")
    builtin: bool = False  # true, boolFalse, boolTrue, vector: handled natively by the runtime

    @property
    def id(self) -> int:
        return self.explicit_id if self.explicit_id is not None else self.crc_id

    @property
    def namespace(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def short_name(self) -> str:
        return self.name.rpartition(".")[2]


def parse_type(text: str, generics: tuple[str, ...] = ()) -> Ty:
    """Parse a type expression such as ``Vector<long>``, ``%Message``, ``!X``, ``messages.Messages``."""
    if text.startswith("!"):
        return Ty("generic", text[1:])
    for prefix, kind in (("Vector<", "vector"), ("vector<", "bare_vector")):
        if text.startswith(prefix) and text.endswith(">"):
            return Ty(kind, item=parse_type(text[len(prefix) : -1], generics))
    if text in PRIMITIVES:
        return Ty("prim", text)
    if text == "#":
        return Ty("flags", "#")
    if text == "true":
        return Ty("true", "true")
    if text == "Bool":
        return Ty("bool", "Bool")
    if text == "Object" or text in generics:
        return Ty("object", text)
    if text.startswith("%"):
        return Ty("bare", text[1:])
    if not re.fullmatch(r"[A-Za-z_][\w.]*", text):
        raise SchemaError(f"bad type {text!r}")
    return Ty("boxed" if text.rpartition(".")[2][0].isupper() else "bare", text)


def crc_text(decl: str) -> str:
    """Normalize a declaration for the CRC32 id rule of docs/protocol.md §2.

    Drop ``#id``, drop ``name:flagsX.N?true`` arguments, write a field type ``bytes`` as ``string`` (but
    ``Vector<bytes>`` keeps it: that is what reproduces Telegram's ids), replace
    ``<`` by a space and delete ``>``, delete ``{`` and ``}``, collapse whitespace, drop the final ``;``.
    """
    text = decl.strip().rstrip(";")
    text = re.sub(r"^([\w.]+)#[0-9a-fA-F]+", r"\1", text)
    text = re.sub(r"\s\w+:\w+\.\d+\?true(?=\s)", "", text)
    text = re.sub(r"(?<=[:?])bytes\b", "string", text)
    text = text.replace("<", " ").replace(">", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


def crc_id(decl: str) -> int:
    return zlib.crc32(crc_text(decl).encode()) & 0xFFFFFFFF


def parse(text: str, source: str) -> list[Combinator]:
    """Parse a whole schema file. Built-in declarations are skipped."""
    out: list[Combinator] = []
    is_function = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if line == "---functions---":
            is_function = True
            continue
        if line == "---types---":
            is_function = False
            continue
        m = _DECL.match(line)
        if m is None:
            raise SchemaError(f"{source}:{lineno}: cannot parse {line!r}")
        name = m["name"]
        if name in BUILTIN_NAMES:
            if m["id"]:  # kept only so that its id is checked; no class is generated
                out.append(
                    Combinator(
                        name,
                        int(m["id"], 16),
                        crc_id(line),
                        (),
                        Ty("object", "Object"),
                        is_function,
                        (),
                        lineno,
                        source,
                        builtin=True,
                    )
                )
            continue
        generics = tuple(_GENERIC.findall(m["generics"]))
        params = []
        for token in m["params"].split():
            pm = _PARAM.match(token)
            if pm is None:
                raise SchemaError(f"{source}:{lineno}: bad parameter {token!r}")
            bit = int(pm["bit"]) if pm["bit"] is not None else -1
            params.append(Param(pm["name"], parse_type(pm["type"], generics), pm["flags"], bit))
        out.append(
            Combinator(
                name=name,
                explicit_id=int(m["id"], 16) if m["id"] else None,
                crc_id=crc_id(line),
                params=tuple(params),
                result=parse_type(m["result"].replace(" ", ""), generics),
                is_function=is_function,
                generics=generics,
                line=lineno,
                source=source,
            )
        )
    return out


def id_mismatches(combinators: list[Combinator]) -> list[Combinator]:
    """Combinators whose explicit id is not reproduced by the CRC32 rule."""
    return [c for c in combinators if c.explicit_id is not None and c.explicit_id != c.crc_id]


@dataclass(frozen=True)
class ErrorRow:
    code: int
    name: str
    description: str


def parse_errors(text: str) -> list[ErrorRow]:
    """Parse errors.tsv: ``code<TAB>name<TAB>description`` rows after ``#`` comments and a header."""
    rows = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith("#") or raw.startswith("code\t"):
            continue
        parts = raw.split("\t")
        if len(parts) < 2 or not re.fullmatch(r"-?\d+", parts[0]):
            raise SchemaError(f"errors.tsv:{lineno}: bad row {raw!r}")
        rows.append(ErrorRow(int(parts[0]), parts[1], parts[2] if len(parts) > 2 else ""))
    return rows
