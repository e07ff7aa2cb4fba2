"""``Str``, a message's text that knows its entities, and ``Link``, a user's mention as markup."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from tgfleet.enums import ParseMode
from tgfleet.parser import from_surrogates, to_surrogates, unparse_html, unparse_markdown

if TYPE_CHECKING:
    from tgfleet.types.message_entity import MessageEntity


class Str(str):
    """A text with its entities: ``.markdown`` and ``.html`` give it back as markup, and slicing counts
    UTF-16 units as entity offsets do (``text[e.offset : e.offset + e.length]`` is the entity's text)."""

    __slots__ = ("entities",)
    entities: list[MessageEntity] | None

    def init(self, entities: list[MessageEntity] | None) -> Str:
        self.entities = entities
        return self

    def _tl_entities(self) -> list[Any]:
        return [e.to_tl() for e in getattr(self, "entities", None) or ()]

    @property
    def markdown(self) -> str:
        """The text as Pyrogram Markdown."""
        return unparse_markdown(str(self), self._tl_entities())

    @property
    def html(self) -> str:
        """The text as HTML."""
        return unparse_html(str(self), self._tl_entities())

    def __getitem__(self, item: Any) -> str:
        return from_surrogates(to_surrogates(str(self))[item])


class Link(str):
    """A mention written in a parse mode's markup (``user.mention``); call it for other text or another mode:
    ``user.mention("boss")``, ``user.mention(style=ParseMode.MARKDOWN)``."""

    __slots__ = ("style", "text", "url")
    url: str
    text: str
    style: ParseMode

    def __new__(cls, url: str, text: str, style: ParseMode | None = None) -> Link:
        style = style or ParseMode.DEFAULT
        link = super().__new__(cls, cls.markup(url, text, style))
        link.url, link.text, link.style = url, text, style
        return link

    @staticmethod
    def markup(url: str, text: str, style: ParseMode) -> str:
        """The link in ``style``'s markup: Markdown for MARKDOWN, HTML otherwise (Pyrogram's form: the href
        unquoted, as its ``mention`` prints it; both parsers read it back)."""
        if style is ParseMode.MARKDOWN:
            return f"[{text}]({url})"
        return f"<a href={url}>{html.escape(text)}</a>"

    def __call__(self, text: str | None = None, *, style: ParseMode | None = None) -> str:
        return self.markup(self.url, text or self.text, style or self.style)
