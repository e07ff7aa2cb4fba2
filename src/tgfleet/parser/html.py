"""Pyrogram's HTML, both ways: markup to (text, entities) and (text, entities) to markup."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from tgfleet.parser.formats import date_format, mention_user_id
from tgfleet.parser.html_reader import HTMLReader
from tgfleet.parser.utf16 import from_surrogates, to_surrogates
from tgfleet.parser.weave import entity_marks, weave
from tgfleet.tl import TLObject
from tgfleet.tl import types as t


def parse_html(markup: str) -> tuple[str, list[TLObject]]:
    """The text and its TL entities (sorted by offset). Whitespace around the whole text is dropped, as
    Telegram drops it, and the entities follow; empty entities are dropped."""
    reader = HTMLReader()
    reader.feed(markup)
    reader.close()
    return strip(reader.units, reader.entities)


def strip(units: str, entities: list[TLObject]) -> tuple[str, list[TLObject]]:
    """Drop the whitespace around a surrogate string and move (or clip, or drop) the entities with the text."""
    stripped = units.lstrip()
    cut = len(units) - len(stripped)
    stripped = stripped.rstrip()
    size = len(stripped)
    kept: list[Any] = []
    for entity in entities:
        e: Any = entity
        start, end = max(0, e.offset - cut), min(size, e.offset + e.length - cut)
        if end > start:
            e.offset, e.length = start, end - start
            kept.append(e)
    kept.sort(key=lambda e: e.offset)
    return from_surrogates(stripped), kept


def unparse_html(text: str, entities: Sequence[TLObject] | None) -> str:
    """HTML markup that :func:`parse_html` reads back as ``text`` and ``entities`` (those it can write: the
    formatting, links, mentions, custom emoji and dates; auto-detected ones such as URLs need no markup).
    Text between tags is escaped, so ``<``, ``>`` and ``&`` in it stay text."""
    units = to_surrogates(text)
    return weave(units, entity_marks(entities or (), len(units), html_tags), _escape_text)


def _escape_text(text: str) -> str:
    return html.escape(text, quote=False)


_SIMPLE = {
    t.MessageEntityBold: "b",
    t.MessageEntityItalic: "i",
    t.MessageEntityUnderline: "u",
    t.MessageEntityStrike: "s",
    t.MessageEntitySpoiler: "spoiler",
    t.MessageEntityCode: "code",
}


def html_tags(entity: Any) -> tuple[str, str] | None:
    """The opening and closing tag of one entity, or None for an entity without markup."""
    name = _SIMPLE.get(type(entity))
    if name is not None:
        return f"<{name}>", f"</{name}>"
    if isinstance(entity, t.MessageEntityPre):
        return (f'<pre language="{_attr(entity.language)}">' if entity.language else "<pre>"), "</pre>"
    if isinstance(entity, t.MessageEntityBlockquote):
        return ("<blockquote expandable>" if entity.collapsed else "<blockquote>"), "</blockquote>"
    if isinstance(entity, t.MessageEntityTextUrl):
        return f'<a href="{_attr(entity.url)}">', "</a>"
    user_id = mention_user_id(entity)
    if user_id is not None:
        return f'<a href="tg://user?id={user_id}">', "</a>"
    if isinstance(entity, t.MessageEntityCustomEmoji):
        return f'<tg-emoji emoji-id="{entity.document_id}">', "</tg-emoji>"
    if isinstance(entity, t.MessageEntityFormattedDate):
        letters = date_format(entity)
        fmt = f' format="{letters}"' if letters else ""
        return f'<tg-time unix="{entity.date}"{fmt}>', "</tg-time>"
    return None


def _attr(value: str) -> str:
    return html.escape(value, quote=True)
