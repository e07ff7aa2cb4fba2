"""Schema texts -> every generated file. Pure; ``__main__`` does the IO."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.tlgen.emit_errors import emit_errors
from tools.tlgen.emit_files import generate
from tools.tlgen.parser import Combinator, SchemaError, id_mismatches, parse, parse_errors

#: Explicit ids the CRC32 rule does not reproduce, as listed, with why, in docs/protocol.md §2.
KNOWN_ID_EXCEPTIONS = frozenset(
    {
        "inputPeerPhotoFileLocationLegacy",
        "inputStickerSetThumbLegacy",
        "ipPortSecret",
        "accessPointRule",
        "help.configSimple",
        "msg_container",
    }
)


@dataclass
class BuildResult:
    layer: int
    combinators: list[Combinator]
    mismatches: list[Combinator]
    files: dict[str, str]


def layer_of(api_text: str) -> int:
    m = re.search(r"LAYER\s+(\d+)", api_text.splitlines()[0])
    if m is None:
        raise SchemaError("api.tl: the first line must name the layer (`// ... LAYER 229`)")
    return int(m[1])


def build(texts: dict[str, str]) -> BuildResult:
    """``texts``: the contents of ``api.tl``, ``mtproto.tl`` and ``errors.tsv``."""
    layer = layer_of(texts["api.tl"])
    combinators = parse(texts["api.tl"], "api") + parse(texts["mtproto.tl"], "mtproto")
    sources = {"api": f"schema/api.tl (layer {layer})", "mtproto": "schema/mtproto.tl"}
    files = generate(combinators, layer, sources)
    files.update(emit_errors(parse_errors(texts["errors.tsv"]), "schema/errors.tsv"))
    return BuildResult(layer, combinators, id_mismatches(combinators), files)
