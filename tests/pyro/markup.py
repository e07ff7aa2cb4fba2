"""Hypothesis strategies for styled texts: trees of entities over text, flattened into (text, TL entities)
with UTF-16 offsets, and rendered as Pyrogram markup."""

from __future__ import annotations

from typing import Any, Union

from hypothesis import strategies as st

from tgfleet.parser import utf16_length
from tgfleet.parser.formats import date_entity
from tgfleet.tl import TLObject
from tgfleet.tl import types as t

# A node is a text leaf or (entity class, its fields, children).
Node = Union[str, tuple[type, dict[str, Any], list[Any]]]  # noqa: UP007 (a runtime alias on Python 3.10)

ASTRAL = "😀𝔘👍🏽"
HTML_CHARS = "ab xy" + ASTRAL + "é中" + "<>&\"'" + "\n"
MD_CHARS = "ab xy" + ASTRAL + "é中" + "\n"
MD_LINE_CHARS = MD_CHARS.replace("\n", "")

urls = st.builds(lambda p: f"https://example.com/{p}", st.text("abc019", max_size=4))
languages = st.sampled_from(["", "python", "c++", "js"])
formats = st.sampled_from(["", "r", "w", "d", "D", "t", "T", "wDT", "dt"])

PLAIN_KINDS = [
    t.MessageEntityBold,
    t.MessageEntityItalic,
    t.MessageEntityUnderline,
    t.MessageEntityStrike,
    t.MessageEntitySpoiler,
]


def _date(unix: int, letters: str) -> dict[str, Any]:
    return date_entity(str(unix), letters)


links = st.one_of(
    st.builds(lambda u: (t.MessageEntityTextUrl, {"url": u}), urls),
    st.builds(lambda i: (t.MessageEntityMentionName, {"user_id": i}), st.integers(1, 2**40)),
    st.builds(lambda i: (t.MessageEntityCustomEmoji, {"document_id": i}), st.integers(1, 2**62)),
    st.builds(lambda u, f: (t.MessageEntityFormattedDate, _date(u, f)), st.integers(0, 2**31 - 1), formats),
)
styles = st.sampled_from([(k, {}) for k in PLAIN_KINDS])


def html_tree() -> st.SearchStrategy[list[Node]]:
    """Any nesting of every entity HTML can write (blockquotes and pre inside anything, too)."""
    kinds = st.one_of(
        styles,
        links,
        st.just((t.MessageEntityCode, {})),
        st.builds(lambda lang: (t.MessageEntityPre, {"language": lang}), languages),
        st.builds(lambda c: (t.MessageEntityBlockquote, {"collapsed": c}), st.booleans()),
    )
    leaf = st.text(HTML_CHARS, min_size=1, max_size=5)
    node = st.recursive(leaf, lambda inner: st.tuples(kinds, st.lists(inner, min_size=1, max_size=3)), max_leaves=10)
    return st.lists(node.map(_unpack), min_size=1, max_size=4)


def _unpack(node: Any) -> Node:
    if isinstance(node, str):
        return node
    (cls, fields), children = node
    return (cls, fields, [_unpack(c) for c in children])


@st.composite
def markdown_tree(draw: st.DrawFn, kurigram_safe: bool = False) -> list[Node]:
    """Paragraphs joined by newlines: inline lines, ``>`` quotes of inline lines, and pre blocks. Markdown
    cannot nest an entity in one of its own kind, nor put markup inside code; links hold one line."""
    paragraphs: list[Node] = []
    last = ""
    count = draw(st.integers(1, 3))
    for _ in range(count):
        choice = draw(st.sampled_from(["line", "line", "quote", "pre"]))
        if choice == "pre" and kurigram_safe and count > 1:
            choice = "line"  # Kurigram keeps a pre's fence newlines in its text unless the pre is the whole text
        if choice == "quote" and last == "quote":
            choice = "line"  # two quotes in a row read as one
        if paragraphs:
            paragraphs.append("\n")
        if choice == "line":
            paragraphs += draw(_inline(kurigram_safe, MD_CHARS, 2))
        elif choice == "quote":
            lines = draw(st.lists(_inline(kurigram_safe, MD_LINE_CHARS, 2), min_size=1, max_size=3))
            if kurigram_safe:  # Kurigram puts a quote's ">" after the marks of an entity starting its line
                lines = [["a", *line, "b"] for line in lines]
            body: list[Node] = []
            for i, line in enumerate(lines):
                body += (["\n"] if i else []) + line
            # an expandable quote ends at its first later line ending "||": two lines at least, no spoiler before
            collapsed = not kurigram_safe and len(lines) > 1 and draw(st.booleans())
            collapsed = collapsed and not any(_markdown(line).endswith("||") for line in lines[:-1])
            paragraphs.append((t.MessageEntityBlockquote, {"collapsed": collapsed}, body))
        else:
            code = draw(st.text(MD_CHARS, min_size=1, max_size=8))
            paragraphs.append(
                (t.MessageEntityPre, {"language": draw(languages.filter(lambda x: "+" not in x))}, [code])
            )
        last = choice
    return paragraphs


def _inline(kurigram_safe: bool, chars: str, depth: int, inside: frozenset[type] = frozenset()) -> Any:
    leaf = st.text(chars, min_size=1, max_size=5)
    if depth == 0:
        return st.lists(leaf, min_size=1, max_size=2)

    @st.composite
    def nodes(draw: st.DrawFn) -> list[Node]:
        out: list[Node] = []
        for _ in range(draw(st.integers(1, 3))):
            kinds = ["text", "style"]
            # no link in a link; Kurigram writes a code or link that starts or ends with its parent mis-nested
            if not (kurigram_safe and inside):
                kinds += ["code"] + ([] if t.MessageEntityTextUrl in inside else ["link"])
            kind = draw(st.sampled_from(kinds))
            if kind == "text":
                out.append(draw(leaf))
            elif kind == "code":
                out.append((t.MessageEntityCode, {}, [draw(leaf)]))
            elif kind == "style":
                cls, fields = draw(styles.filter(lambda s: s[0] not in inside))
                out.append((cls, fields, draw(_inline(kurigram_safe, chars, depth - 1, inside | {cls}))))
            else:
                cls, fields = draw(links)
                label_chars = MD_LINE_CHARS
                if kurigram_safe:
                    children: list[Node] = [draw(st.text(label_chars, min_size=1, max_size=5))]
                else:
                    children = draw(_inline(kurigram_safe, label_chars, depth - 1, inside | {t.MessageEntityTextUrl}))
                out.append((cls, fields, children))
        return out

    return nodes()


def _markdown(nodes: list[Node]) -> str:
    from tgfleet.parser import unparse_markdown

    return unparse_markdown(*flatten(nodes))


def flatten(nodes: list[Node]) -> tuple[str, list[TLObject]]:
    """The text and entities of a tree, entities in the order a parser closes them, sorted by offset."""
    parts: list[str] = []
    entities: list[TLObject] = []
    pos = 0

    def walk(node: Node) -> None:
        nonlocal pos
        if isinstance(node, str):
            parts.append(node)
            pos += utf16_length(node)
            return
        cls, fields, children = node
        start = pos
        for child in children:
            walk(child)
        entities.append(cls(offset=start, length=pos - start, **fields))

    for node in nodes:
        walk(node)
    entities.sort(key=lambda e: e.offset)  # type: ignore[attr-defined]
    return "".join(parts), entities


def as_set(entities: list[TLObject]) -> list[tuple[int, int, bytes]]:
    """Entities in a canonical order (the order of equal spans is not markup's to keep)."""
    return sorted((e.offset, e.length, e.to_bytes()) for e in entities)  # type: ignore[attr-defined]


_SYNONYMS: dict[type, list[str]] = {
    t.MessageEntityBold: ["b", "strong", "B"],
    t.MessageEntityItalic: ["i", "em"],
    t.MessageEntityUnderline: ["u", "ins"],
    t.MessageEntityStrike: ["s", "del", "strike"],
    t.MessageEntitySpoiler: ["spoiler", "tg-spoiler"],
    t.MessageEntityCode: ["code"],
}
# (Kurigram counts a reference to an astral character, &#128512;, as one UTF-16 unit: test_parser_cases.py)
_ESCAPES = {"<": ["&lt;", "&#60;"], "&": ["&amp;"], ">": [">", "&gt;"], '"': ['"', "&quot;"], "é": ["é", "&#233;"]}
NOISE = ["<br>", "<unknown x='1'>", "</unknown>", "<p>", "</p>"]
STRAY = ["", "</i>", "</b></code>"]  # closing tags nothing opened


@st.composite
def html_markup(draw: st.DrawFn) -> tuple[str, list[Node]]:
    """HTML written the many ways people write it (tag synonyms, character references, stray and unknown
    tags), with the tree it stands for."""
    tree = draw(html_tree())

    def text(leaf: str) -> str:
        return "".join(draw(st.sampled_from(_ESCAPES[c])) if c in _ESCAPES else c for c in leaf)

    def render(node: Node) -> str:
        if isinstance(node, str):
            return text(node) + (draw(st.sampled_from(NOISE)) if draw(st.integers(0, 9)) == 0 else "")
        cls, fields, children = node
        inner = "".join(render(c) for c in children)
        if cls in _SYNONYMS:
            name = draw(st.sampled_from(_SYNONYMS[cls]))
            return f"<{name}>{inner}</{name}>"
        from tgfleet.parser.html import html_tags

        start, end = html_tags(cls(offset=0, length=1, **fields))  # type: ignore[misc]
        return start + inner + end

    return draw(st.sampled_from(STRAY)) + "".join(render(n) for n in tree), tree
