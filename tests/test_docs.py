"""The repository stands on its own: every document a comment, docstring or Markdown file cites is in it.

A cited document is a Markdown file (``docs/protocol.md``, ``ARCHITECTURE.md``) or anything under ``docs/``;
it must exist, seen from the repository root or from the citing file's folder, and a section it names
(``docs/protocol.md §9``, ``docs/security.md check 19``, ``docs/security.md H1``) must be a numbered heading
or check of that file. Names of the documents outside the repository that the code once cited are refused
outright, and so is "the requirements document" without a link to docs/requirements.md. URLs are not
citations of local documents and are left alone. Every source file a Markdown file names in backticks
(``net/sender.py``, the walk of ARCHITECTURE.md) is in the repository too.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".tl", ".tsv", ".sh", ""}
URL = re.compile(r"\b[a-z][a-z+.-]*://\S+")
DOCUMENT = re.compile(r"(?<![\w/.-])((?:\.\./|[\w.-]+/)*(?:[\w.-]+\.md|docs/[\w./-]*\w))(?![\w-])")
SECTION = re.compile(r"\s*(?:§\s*|section\s+)(\d+(?:\.\d+)?)|\s*,?\s*checks?\s+(\d+)|\s*,?\s*(H\d)\b")
FOREIGN = [
    (re.compile(r"(?<![\w.])spec/"), "a path into a spec folder outside the repository"),
    (re.compile(r"(?<![\w.])shared/"), "a path into a shared folder outside the repository"),
    (re.compile(r"(?<![\w/])(?:MTPROTO|SECURITY|DESIGN)(?:\.md|\s+§)|(?<![\w/])servers\.md"), "outside the repository"),
    (re.compile(r"(?i)\brequirements document\b|\bthe requirements'"), "the requirements without docs/requirements.md"),
]


def repository_files() -> list[Path]:
    """Every text file git tracks or would track (ignored ones such as .venv/ left out), this one excepted."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    paths = (ROOT / name for name in listed if name)
    return sorted(p for p in paths if p.suffix in TEXT_SUFFIXES and p.is_file() and p != Path(__file__).resolve())


@functools.cache
def section_numbers(document: Path) -> frozenset[str]:
    """The numbers a citation may name: headings ``## 9.`` / ``### 8.1``, checks ``19. **`` and ``**H1.``."""
    text = document.read_text()
    found = re.findall(r"^#+ (\d+(?:\.\d+)?)\.? ", text, re.M) + re.findall(r"^(\d+)\. \*\*", text, re.M)
    return frozenset(found + re.findall(r"\*\*(H\d)\.", text))


def citation_problems(path: Path, text: str) -> list[str]:
    """What is wrong with the citations of one file, as ``file:line: problem`` lines."""
    problems: list[str] = []
    lines = text.splitlines()
    for lineno, line in enumerate(lines, 1):
        where = f"{path.relative_to(ROOT)}:{lineno}"
        plain = URL.sub(" ", line)
        for pattern, why in FOREIGN:
            for m in pattern.finditer(plain):
                linked = "requirements.md" in " ".join(lines[max(0, lineno - 2) : lineno + 1])
                if not (why.startswith("the requirements") and linked):
                    problems.append(f"{where}: {m.group(0)!r} is {why}")
        for m in DOCUMENT.finditer(plain):
            cited = m.group(1).rstrip(".")
            if any(pattern.search(cited) for pattern, _ in FOREIGN):
                continue  # reported above
            target = next((base / cited for base in (ROOT, path.parent) if (base / cited).exists()), None)
            if target is None:
                problems.append(f"{where}: cites {cited}, which is not in the repository")
                continue
            section = SECTION.match(plain, m.end())
            number = section and next(g for g in section.groups() if g)
            if number and target.suffix == ".md" and number not in section_numbers(target):
                problems.append(f"{where}: cites {cited} {section.group(0).strip(' ,')}, which has no such section")
    return problems


def test_every_cited_document_is_in_the_repository() -> None:
    problems = [p for path in repository_files() for p in citation_problems(path, path.read_text(errors="replace"))]
    assert not problems, "citations of documents that are not in the repository:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/protocol.md §9", None),
        ("see docs/test-vectors.md §2.3", None),
        ("see docs/protocol.md §99", "no such section"),
        ("see docs/security.md check 19", None),
        ("see docs/security.md H1", None),
        ("see docs/security.md, check 77", "no such section"),
        ("see [the design](../ARCHITECTURE.md)", None),  # relative to the citing file's folder
        ("see [the vectors](test-vectors.md)", "not in the repository"),  # fine in docs/, not in tests/
        ("see docs/missing.md", "not in the repository"),
        ("see NOWHERE.md", "not in the repository"),
        ("from spec/" + "MTPROTO.md §2", "spec folder"),
        ("as " + "SECURITY.md A.1 asks", "outside the repository"),
        ("(" + "MTPROTO §9)", "outside the repository"),
        ("the requirements" + " document says", "requirements"),
        ("the requirements" + " document (docs/requirements.md) says", None),
        ("https://core.telegram.org/mtproto/description.md", None),
    ],
)
def test_the_checker_tells_good_citations_from_bad(text: str, expected: str | None) -> None:
    problems = citation_problems(ROOT / "tests" / "example.py", text)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


CODE_PATH = re.compile(r"`((?:[\w.-]+/)*[\w-]+\.py)`")
NOT_OURS = frozenset({"storage/storage.py", "sessions/string.py", "types.py"})
"""Named, but no file of tgfleet: Pyrogram's and Telethon's own (docs/protocol.md, their session formats), and the
name benchmarks/README.md says a script must not have."""


def code_path_problems(path: Path, text: str, tracked: list[str]) -> list[str]:
    """Each ```dir/file.py``` a Markdown file names that no tracked file is (seen from the repository root,
    from ``src/tgfleet``, or as the end of a tracked path: ``outbox.py`` in a walk through one package)."""
    problems = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in CODE_PATH.finditer(line):
            cited = m.group(1)
            if cited in NOT_OURS:
                continue
            if not any(t == cited or t == f"src/tgfleet/{cited}" or t.endswith(f"/{cited}") for t in tracked):
                problems.append(f"{path.relative_to(ROOT)}:{lineno}: names {cited}, which is not in the repository")
    return problems


def test_every_source_file_the_documents_name_exists() -> None:
    """ARCHITECTURE.md walks a request through the code file by file; a file renamed or folded into another
    must not leave the walk (or README, docs/) naming it."""
    tracked = [str(p.relative_to(ROOT)) for p in repository_files()] + [str(Path(__file__).relative_to(ROOT))]
    documents = [p for p in repository_files() if p.suffix == ".md"]
    assert [problem for doc in documents for problem in code_path_problems(doc, doc.read_text(), tracked)] == []
    assert code_path_problems(ROOT / "ARCHITECTURE.md", "`net/sender_loops.py`, `net/sender.py`", tracked) == [
        "ARCHITECTURE.md:1: names net/sender_loops.py, which is not in the repository"
    ]
