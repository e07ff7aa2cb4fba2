"""``python -m tools.tlgen [--check]``: regenerate the TL classes and error classes from ``schema/``.

The only file writes of the generator (``check.py`` reads the committed files). ``--check`` writes nothing and
exits 1 if a committed file is stale.
Reports constructor ids that the CRC32 rule does not reproduce.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tools.tlgen.build import KNOWN_ID_EXCEPTIONS, build
from tools.tlgen.check import stale_and_extra

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    texts = {name: (ROOT / "schema" / name).read_text() for name in ("api.tl", "mtproto.tl", "errors.tsv")}
    result = build(texts)
    for c in result.mismatches:
        known = "known exception" if c.name in KNOWN_ID_EXCEPTIONS else "UNEXPECTED"
        print(f"id mismatch ({known}): {c.source}.tl {c.name} explicit 0x{c.id:08x}, crc32 0x{c.crc_id:08x}")
    stale, extra = stale_and_extra(ROOT, result.files)
    if "--check" in argv:
        for p in stale + extra:
            print(f"stale: {p}")
        return 1 if stale or extra else 0
    for p in extra:
        (ROOT / p).unlink()
    for p in stale:
        (ROOT / p).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / p).write_text(result.files[p])
    print(f"layer {result.layer}: {len(result.files)} files, {len(stale)} written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
