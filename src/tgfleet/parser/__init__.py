"""``tgfleet.parser``: Pyrogram's parse modes, Markdown and HTML, to and from TL message entities.

Owns reading markup into (text, entities) with UTF-16 offsets (https://core.telegram.org/api/entities) and
writing it back (``Str.markdown`` / ``Str.html``). Pure functions over ``tgfleet.tl`` entity classes: a user
mention is read as ``messageEntityMentionName`` with the user's id (the client's send path turns it into
the input form with the user's access hash). May import ``tgfleet.enums`` and ``tgfleet.tl``.
"""

from __future__ import annotations

from tgfleet.enums import ParseMode
from tgfleet.parser.errors import MarkupError
from tgfleet.parser.html import parse_html, unparse_html
from tgfleet.parser.markdown import parse_markdown, unparse_markdown
from tgfleet.parser.utf16 import from_surrogates, to_surrogates, utf16_length
from tgfleet.tl import TLObject

__all__ = [
    "MarkupError",
    "ParseMode",
    "from_surrogates",
    "parse",
    "parse_html",
    "parse_markdown",
    "to_surrogates",
    "unparse",
    "unparse_html",
    "unparse_markdown",
    "utf16_length",
]


def parse(text: object, mode: ParseMode | None = ParseMode.DEFAULT) -> tuple[str, list[TLObject]]:
    """``(text, entities)`` of a message as Pyrogram reads it in ``mode`` (``None`` = ``DEFAULT``: Markdown
    and HTML together); the text is stripped of surrounding whitespace, as Telegram does. Raises
    :class:`MarkupError` for markup that names no valid custom emoji or date, ValueError for an unknown mode."""
    source = str(text if text is not None else "").strip()
    if mode is None or mode is ParseMode.DEFAULT:
        return parse_markdown(source)
    if mode is ParseMode.MARKDOWN:
        return parse_markdown(source, strict=True)
    if mode is ParseMode.HTML:
        return parse_html(source)
    if mode is ParseMode.DISABLED:
        return source, []
    raise ValueError(f"unknown parse mode {mode!r} (expected a tgfleet.enums.ParseMode)")


def unparse(text: str, entities: list[TLObject] | None, is_html: bool) -> str:
    """Markup for ``text`` with ``entities``: HTML if ``is_html``, else Markdown."""
    return unparse_html(text, entities) if is_html else unparse_markdown(text, entities)
