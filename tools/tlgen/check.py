"""Which committed generated files differ from what the generator writes now (used by ``__main__`` and the
staleness test). Reads files; writes nothing."""

from __future__ import annotations

from pathlib import Path

from tools.tlgen.emit import GENERATED


def stale_and_extra(root: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """``(stale, extra)``: paths whose text is not ``files[path]``, and ``.py`` files under the generator's
    paths that it does not write at all."""
    stale = [p for p, text in files.items() if not (root / p).is_file() or (root / p).read_text() != text]
    owned: list[Path] = []
    for rel in GENERATED:
        path = root / rel
        owned += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    extra = [str(p.relative_to(root)) for p in owned if p.exists() and str(p.relative_to(root)) not in files]
    return stale, extra
