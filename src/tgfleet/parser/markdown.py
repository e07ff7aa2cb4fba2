"""Pyrogram's Markdown, both ways.

Reading turns Markdown into HTML and reads that with the HTML reader, which is what makes
``ParseMode.DEFAULT`` (Markdown and HTML together) work: ``ParseMode.MARKDOWN`` escapes the text first, so
HTML in it stays text. The syntax: ``**bold**``, ``__italic__``, ``--underline--``, ``~~strike~~``,
``||spoiler||``, ```` `code` ````, ```` ```lang\\npre\\n``` ````, ``[text](url)``, ``[text](tg://user?id=1)``,
``![👍](tg://emoji?id=1)``, ``![date](tg://time?unix=1&format=wDT)``, ``> quote`` lines and expandable quotes
(``**>`` first line, ``>`` lines, a later line ending ``||``: so an expandable quote has two lines at least,
and its end is the first later line ending with ``||``, a spoiler's too). A delimiter opens its entity and the
next one of its kind closes it; inside code and pre nothing else is markup. There is no escape character:
text that contains a delimiter cannot be written in Markdown (use HTML).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tgfleet.parser.formats import date_format, mention_user_id
from tgfleet.parser.html import parse_html
from tgfleet.parser.utf16 import to_surrogates
from tgfleet.parser.weave import LINE_END, LINE_START, Mark, entity_marks, weave
from tgfleet.tl import TLObject
from tgfleet.tl import types as t

_TAGS = {"**": "b", "__": "i", "--": "u", "~~": "s", "||": "spoiler", "`": "code", "```": "pre"}
_TOKEN = re.compile(r"(```|`|\*\*|__|--|~~|\|\|)|(!?)\[(.+?)\]\((.+?)\)")
_LANGUAGE = re.compile(r"([^\s`]*)\n")
_QUOTE, _EXPANDABLE, _EXPANDABLE_END = ">", "**>", "||"


def parse_markdown(text: str, strict: bool = False) -> tuple[str, list[TLObject]]:
    """The text and TL entities of Markdown (``strict``: Markdown only, HTML in it is text)."""
    return parse_html(markdown_to_html(text, strict))


def markdown_to_html(text: str, strict: bool) -> str:
    """The HTML the Markdown stands for (unescaped text passes through unless ``strict``)."""
    return _inline(_quotes(text.split("\n"), strict))


def _quotes(lines: list[str], strict: bool) -> str:
    """Quote lines become ``<blockquote>`` (consecutive ``>`` lines are one quote); text is escaped if strict."""
    escape = _escape if strict else _same
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(_EXPANDABLE):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].endswith(_EXPANDABLE_END)), None)
            last = len(lines) - 1 if end is None else end
            body = [_unquote(line[len(_EXPANDABLE) - 1 :]), *(_unquote(x) for x in lines[i + 1 : last + 1])]
            if end is not None:
                body[-1] = body[-1][: -len(_EXPANDABLE_END)]
            attr = " expandable" if end is not None else ""
            out.append(f"<blockquote{attr}>" + "\n".join(escape(x) for x in body) + "</blockquote>")
            i = last + 1
        elif line.startswith(_QUOTE):
            j = i
            while j < len(lines) and lines[j].startswith(_QUOTE) and not lines[j].startswith(_EXPANDABLE):
                j += 1
            out.append("<blockquote>" + "\n".join(escape(_unquote(x)) for x in lines[i:j]) + "</blockquote>")
            i = j
        else:
            out.append(escape(line))
            i += 1
    return "\n".join(out)


def _unquote(line: str) -> str:
    if line.startswith(_QUOTE):
        line = line[1:]
        return line[1:] if line.startswith(" ") else line
    return line


def _inline(text: str) -> str:
    out: list[str] = []
    opened: set[str] = set()
    fixed = ""  # the delimiter of the open code or pre, inside which nothing else is markup
    pos = 0
    for match in _TOKEN.finditer(text):
        delim, bang, label, url = match.groups()
        start, end = match.span()
        if start < pos:
            continue  # inside a pre's language line, already taken
        if fixed and delim != fixed:
            continue
        out.append(text[pos:start])
        pos = end
        if delim is None:
            out.append(_link(bang, label, url, match.group()))
            continue
        tag = _TAGS[delim]
        if delim in opened:
            opened.discard(delim)
            fixed = ""
            if delim == "```" and out[-1].endswith("\n"):
                out[-1] = out[-1][:-1]
            out.append(f"</{tag}>")
            continue
        opened.add(delim)
        if delim in ("`", "```"):
            fixed = delim
        if delim == "```":
            language = _LANGUAGE.match(text, end)
            if language is not None:
                pos = language.end()
                out.append(f'<pre language="{_quoted(language.group(1))}">' if language.group(1) else "<pre>")
                continue
        out.append(f"<{tag}>")
    out.append(text[pos:])
    return "".join(out)


def _link(bang: str, label: str, url: str, whole: str) -> str:
    """A link's HTML; ``label`` and ``url`` are markup already (escaped when strict), read as HTML later."""
    inner = _inline(label)
    if not bang:
        return f'<a href="{_quoted(url)}">{inner}</a>'
    parts = urlsplit(html.unescape(url))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tg" and parts.netloc == "emoji":
        return f'<tg-emoji emoji-id="{html.escape(query.get("id", ""))}">{inner}</tg-emoji>'
    if parts.scheme == "tg" and parts.netloc == "time":
        fmt = f' format="{html.escape(query["format"])}"' if query.get("format") else ""
        return f'<tg-time unix="{html.escape(query.get("unix", ""))}"{fmt}>{inner}</tg-time>'
    return whole


def _quoted(markup: str) -> str:
    """Markup text as an attribute value (only its quotes would end the attribute)."""
    return markup.replace('"', "&quot;")


def _escape(text: str) -> str:
    return html.escape(text)


def _same(text: str) -> str:
    return text


_DELIMS = {
    t.MessageEntityBold: "**",
    t.MessageEntityItalic: "__",
    t.MessageEntityUnderline: "--",
    t.MessageEntityStrike: "~~",
    t.MessageEntitySpoiler: "||",
    t.MessageEntityCode: "`",
}


def unparse_markdown(text: str, entities: Sequence[TLObject] | None) -> str:
    """Markdown that :func:`parse_markdown` reads back as ``text`` and ``entities``, when the text itself
    holds no Markdown delimiters (Markdown has no escapes)."""
    units = to_surrogates(text)
    quotes: list[Any] = [e for e in entities or () if isinstance(e, t.MessageEntityBlockquote)]
    others = (e for e in entities or () if not isinstance(e, t.MessageEntityBlockquote))
    marks = entity_marks(others, len(units), markdown_delims)
    for quote in quotes:
        marks += _quote_marks(units, quote.offset, quote.length, quote.collapsed)
    return weave(units, marks, _same)


def _quote_marks(units: str, offset: int, length: int, collapsed: bool) -> list[Mark]:
    """A ``>`` at the start of every line of the quote (``**>`` ... ``||`` around an expandable one)."""
    start, end = max(0, offset), min(len(units), offset + length)
    if end <= start:
        return []
    starts = [start] + [i + 1 for i in range(start, end) if units[i] == "\n"]
    marks = [Mark(s, LINE_START, 0, _QUOTE + " ") for s in starts]
    if collapsed:
        marks[0] = Mark(start, LINE_START, 0, _EXPANDABLE + " ")
        marks.append(Mark(end, LINE_END, 0, _EXPANDABLE_END))
    return marks


def markdown_delims(entity: Any) -> tuple[str, str] | None:
    """The opening and closing Markdown of one entity, or None for an entity without markup."""
    delim = _DELIMS.get(type(entity))
    if delim is not None:
        return delim, delim
    if isinstance(entity, t.MessageEntityPre):
        return f"```{entity.language}\n", "\n```"
    if isinstance(entity, t.MessageEntityTextUrl):
        return "[", f"]({entity.url})"
    user_id = mention_user_id(entity)
    if user_id is not None:
        return "[", f"](tg://user?id={user_id})"
    if isinstance(entity, t.MessageEntityCustomEmoji):
        return "![", f"](tg://emoji?id={entity.document_id})"
    if isinstance(entity, t.MessageEntityFormattedDate):
        letters = date_format(entity)
        return "![", f"](tg://time?unix={entity.date}" + (f"&format={letters}" if letters else "") + ")"
    return None
