"""The committed generated code is what the generator makes now, and the generator's parser and CRC32
rule do what the spec says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.tlgen.build import KNOWN_ID_EXCEPTIONS, build
from tools.tlgen.check import stale_and_extra
from tools.tlgen.parser import SchemaError, crc_id, parse, parse_type

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    texts = {name: (ROOT / "schema" / name).read_text() for name in ("api.tl", "mtproto.tl", "errors.tsv")}
    return build(texts)


def test_committed_code_is_not_stale(result) -> None:  # type: ignore[no-untyped-def]
    stale, extra = stale_and_extra(ROOT, result.files)
    assert not stale and not extra, f"run `python -m tools.tlgen`: stale {stale}, extra {extra}"


def test_every_explicit_id_is_reproduced_or_a_listed_exception(result) -> None:  # type: ignore[no-untyped-def]
    with_id = [c for c in result.combinators if c.explicit_id is not None]
    assert len([c for c in with_id if c.source == "api"]) == 2476
    assert len([c for c in with_id if c.source == "mtproto"]) == 50
    assert {c.name for c in result.mismatches} == KNOWN_ID_EXCEPTIONS


def test_layer_is_read_from_the_schema_header(result) -> None:  # type: ignore[no-untyped-def]
    from tgfleet.tl import LAYER

    assert result.layer == LAYER == 229


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [  # the documented examples of core.telegram.org/mtproto/TL-tl and /mtproto/serialize
        ("user id:int first_name:string last_name:string = User", 0xD23C81A3),
        ("getUsers Vector<int> = Vector<User>", 0x2D84D5F5),
        ("vector#1cb5c415 {t:Type} # [ t ] = Vector t;", 0x1CB5C415),
        ("boolTrue#997275b5 = Bool;", 0x997275B5),
    ],
)
def test_crc32_rule(declaration: str, expected: int) -> None:
    assert crc_id(declaration) == expected


def test_parser_handles_every_form_the_schemas_use() -> None:
    text = """
---types---
a.b#00000001 flags:# x:flags.0?true y:flags.1?int flags2:# z:flags2.3?Vector<long> q:vector<%Inner> = a.B;
---functions---
wrap#00000002 {X:Type} n:long query:!X = X;
"""
    b, wrap = parse(text, "api")
    assert (b.namespace, b.short_name, b.is_function, wrap.is_function) == ("a", "b", False, True)
    assert [(p.name, p.flag_field, p.flag_bit, str(p.ty)) for p in b.params] == [
        ("flags", None, -1, "#"),
        ("x", "flags", 0, "true"),
        ("y", "flags", 1, "int"),
        ("flags2", None, -1, "#"),
        ("z", "flags2", 3, "Vector<long>"),
        ("q", None, -1, "vector<%Inner>"),
    ]
    assert wrap.generics == ("X",) and wrap.params[1].ty.kind == "generic" and wrap.result.kind == "object"
    assert parse_type("Object").kind == "object" and parse_type("future_salt").kind == "bare"


def test_parser_rejects_malformed_lines() -> None:
    with pytest.raises(SchemaError, match="api:2"):
        parse("\nbroken line without equals\n", "api")
