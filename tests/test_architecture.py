"""The sans-IO packages import no IO machinery, at run time (import-linter checks the static imports), and no module
of tgfleet is part of an import circle, no module outside tgfleet.tl imports its generated index (tl._gen), the
names that once meant two things mean one, and no module reaches into private state another file defines."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SANS_IO = [
    "tgfleet.errors",
    "tgfleet.tl",
    "tgfleet.crypto.aes",
    "tgfleet.crypto.kdf",
    "tgfleet.crypto.rsa",
    "tgfleet.crypto.dh",
    "tgfleet.crypto.srp",
    "tgfleet.mtproto.transport",
    "tgfleet.mtproto.plain",
    "tgfleet.mtproto.msgid",
    "tgfleet.mtproto.handshake",
    "tgfleet.mtproto.session",
]
FORBIDDEN = ("asyncio", "socket", "ssl", "selectors")


@pytest.mark.parametrize("module", SANS_IO)
def test_sans_io_modules_import_no_io(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "import tgfleet.tl.types, tgfleet.tl.mtproto, tgfleet.errors._gen\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} pulled in {out}"


def test_importing_tgfleet_loads_no_generated_code() -> None:
    generated = (
        "tgfleet.tl.types",
        "tgfleet.tl.functions",
        "tgfleet.tl.mtproto",
        "tgfleet.tl._gen",
        "tgfleet.errors._gen",
        "tgfleet.errors.exceptions",
    )
    code = (
        "import sys, tgfleet, tgfleet.tl, tgfleet.errors\n"
        f"print(sorted(m for m in sys.modules if m.startswith({generated!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# --- import circles -------------------------------------------------------------------------------------------------
SRC = Path(__file__).resolve().parent.parent / "src"
KNOWN_CYCLES: dict[tuple[str, str], str] = {}
"""Circles that were there before this check, each with the import that closes it (``pkg.*``: any child of
``pkg``). Remove an entry once its circle is gone; adding one needs a reason as good."""


def _module_names() -> dict[str, Path]:
    names = {}
    for path in (SRC / "tgfleet").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node`` (inside functions too), except in ``if TYPE_CHECKING:`` blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            yield from _imports(ast.Module(body=child.orelse, type_ignores=[]))
        else:
            yield from _imports(child)


def _import_graph() -> dict[str, set[str]]:
    """tgfleet module -> the tgfleet modules it imports (``from pkg import name`` is ``pkg.name`` when that is a
    module, else ``pkg``), read from the source."""
    names = _module_names()
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for statement in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(statement, ast.Import):
                targets.update(alias.name for alias in statement.names)
                continue
            base = package.split(".")[: len(package.split(".")) - statement.level + 1] if statement.level else []
            module = ".".join([*base, statement.module] if statement.module else base)
            targets.update(f"{module}.{a.name}" if f"{module}.{a.name}" in names else module for a in statement.names)
        graph[name] = {t for t in targets if t in names and t != name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle: the modules that reach each other (sorted, each circle once)."""
    reach = {module: _reachable(graph, module) for module in graph}
    circles = {frozenset(m for m in reach[module] if module in reach[m]) for module in graph if module in reach[module]}
    return sorted(sorted(circle) for circle in circles)


def _matches(known: tuple[str, str], importer: str, imported: str) -> bool:
    source, target = known
    child = target.endswith(".*") and imported.startswith(target[:-1])
    return importer == source and (imported == target or child)


def test_no_import_circles() -> None:
    """No module imports itself through others, at any time (lazy imports in functions count; imports only for
    type checkers do not), except through the known imports of KNOWN_CYCLES."""
    graph = _import_graph()
    kept = {m: {t for t in targets if not any(_matches(k, m, t) for k in KNOWN_CYCLES)} for m, targets in graph.items()}
    assert _cycles(kept) == []
    circles = [set(circle) for circle in _cycles(graph)]
    gone = [
        known
        for known in KNOWN_CYCLES
        if not any(
            _matches(known, known[0], t) and {known[0], t} <= c for t in graph.get(known[0], ()) for c in circles
        )
    ]
    assert gone == [], "these circles are gone: remove them from KNOWN_CYCLES"


def test_only_tgfleet_tl_imports_its_generated_index() -> None:
    """``tgfleet.tl._gen`` is private to ``tgfleet.tl`` (lazy imports count), whichever package a module is in:
    the import-linter contract lists the packages of today, this check also covers the ones added later."""
    graph = _import_graph()
    outside = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module != "tgfleet.tl" and not module.startswith("tgfleet.tl.")
        for target in targets
        if target == "tgfleet.tl._gen" or target.startswith("tgfleet.tl._gen.")
    )
    assert outside == []
    assert any(t.startswith("tgfleet.tl._gen") for t in graph["tgfleet.tl.core.registry"])  # the check sees it


def test_the_circle_check_sees_lazy_imports_and_skips_type_checking_ones() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tgfleet.a import b\nelse:\n    import tgfleet.c\n"
        "def f():\n    from . import d\n"
    )
    assert [ast.unparse(s) for s in _imports(tree)] == [
        "from typing import TYPE_CHECKING",
        "import tgfleet.c",
        "from . import d",
    ]
    assert _cycles({"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": set(), "e": {"e"}}) == [["a", "b", "c"], ["e"]]
    graph = _import_graph()
    assert "tgfleet.mtproto.session.ledger" in graph["tgfleet.mtproto.session.client"]  # from module import name
    assert "tgfleet.cli.fleet_common" in graph["tgfleet.cli.fleet_accounts"]  # from package import module


# --- one name, one meaning ------------------------------------------------------------------------------------------
ONE_MEANING = ("TokenBucket", "RateLimiter", "Connection", "Answer", "Handler", "Limits", "Sender")
"""Public names that once meant two or three things across the tree (two token buckets, two rate limiters, ...)."""
ONE_MODULE = ("limits.py", "control.py", "controls.py")
"""Module names that once stood for two different things."""


def _public_top_level_names(path: Path) -> set[str]:
    """The classes and type aliases (``Name = ...``, ``Name: TypeAlias = ...``) a module defines at its top level."""
    names = set()
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def test_each_of_the_names_that_meant_two_things_means_one() -> None:
    hand_written = {name: path for name, path in _module_names().items() if "_gen" not in path.parts}
    defined = {name: [m for m, p in sorted(hand_written.items()) if name in _public_top_level_names(p)]
               for name in ONE_MEANING}  # fmt: skip
    assert {name: modules for name, modules in defined.items() if len(modules) > 1} == {}
    assert defined["RateLimiter"] == ["tgfleet.client.ratelimit"]  # the check finds what it looks for
    files = {name: sorted(str(p.relative_to(SRC)) for p in (SRC / "tgfleet").rglob(name)) for name in ONE_MODULE}
    assert {name: paths for name, paths in files.items() if len(paths) > 1} == {}


# --- no reaching into another file's private state -----------------------------------------------------------------
PYROGRAM_PRIVATE = frozenset({"_parse", "_parse_all", "_of_peer", "_raw", "_to_banned_rights", "_to_admin_rights"})
"""Pyrogram's convention, kept for its users: a type's ``_parse`` / ``_raw`` are what the client builds it with."""
STDLIB_PRIVATE = frozenset({"_exit", "_replace", "_asdict", "_fields"})
"""Documented stdlib names that start with an underscore (``os._exit``, a named tuple's methods)."""


def _private_names_of(tree: ast.Module) -> set[str]:
    """The private names a file defines: its functions and classes, the attributes it sets on ``self`` / ``cls``,
    its class attributes and the ``__slots__`` it declares."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_"):
            names.add(node.value)  # a __slots__ entry
    return names


def _foreign_private_accesses(path: Path, code: str | None = None) -> list[str]:
    """Each ``obj._name`` in the module at ``path`` (or in ``code``, named so) whose ``_name`` it does not define."""
    tree = ast.parse(path.read_text() if code is None else code, str(path))
    own = _private_names_of(tree) | PYROGRAM_PRIVATE | STDLIB_PRIVATE
    return [
        f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        and node.attr not in own
    ]


def test_no_module_reaches_into_private_state_defined_in_another_file() -> None:
    """``obj._name`` only for a ``_name`` the same file defines (tgfleet.tl's generated classes excepted, whose
    ``_write`` / ``_read`` / ``_RESULT`` only tgfleet.tl itself calls)."""
    paths = [p for name, p in _module_names().items() if name != "tgfleet.tl" and not name.startswith("tgfleet.tl.")]
    assert [access for path in paths for access in _foreign_private_accesses(path)] == []


def test_the_private_state_check_tells_own_names_from_foreign_ones() -> None:
    module = SRC / "tgfleet" / "example.py"  # only named, never written
    code = (
        "class A:\n    __slots__ = ('_kept',)\n    def _own(self): return self._kept\n"
        "def f(a, s): return a._own(), a._kept, s._ledger, s._parse\n"
    )
    accesses = [line.split(": ", 1)[1] for line in _foreign_private_accesses(module, code)]
    assert accesses == ["s._ledger"]


# --- each package's docstring says what it may import, truly -------------------------------------------------------
TRANSITIVE = re.compile(r"everything below them|what (?:it|they) imports?")


def _may_import(package: str) -> tuple[set[str], bool] | None:
    """The tgfleet packages the package's docstring says it may import (``tl`` / ``tgfleet.tl``, up to the first
    "never" or the sentence's end), and whether it allows what those import too; None without such a sentence."""
    init = SRC / "tgfleet" / package / "__init__.py"
    doc = " ".join((ast.get_docstring(ast.parse(init.read_text())) or "").split())
    claim = re.search(r"[Mm]ay import(.*?)(?:never|\.\s|\.$)", doc + " ")
    if claim is None:
        return None
    names = {name.removeprefix("tgfleet.") for name in re.findall(r"``([\w.]+)``", claim.group(1))}
    return names, bool(TRANSITIVE.search(claim.group(0)))


def test_each_package_imports_only_what_its_docstring_allows() -> None:
    graph = _import_graph()
    packages = sorted(p.parent.name for p in (SRC / "tgfleet").glob("*/__init__.py"))
    imported: dict[str, set[str]] = {p: set() for p in packages}
    for module, targets in graph.items():
        source = module.split(".")[1] if module.count(".") else ""
        for target in targets:
            dest = target.split(".")[1] if target.count(".") else ""
            if source in imported and dest in imported and dest != source:
                imported[source].add(dest)
    claims = {p: c for p in packages if (c := _may_import(p)) is not None}

    def allowed(package: str) -> set[str]:
        names, transitive = claims[package]
        return names | {n for name in names if transitive and name in claims for n in allowed(name)}

    drifted = {p: sorted(imported[p] - allowed(p)) for p in claims if imported[p] - allowed(p)}
    assert drifted == {}
    assert claims["client"][0] >= {"net", "types"} and claims["cli"][1]  # the check reads both forms
