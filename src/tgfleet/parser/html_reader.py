"""``HTMLReader``: Pyrogram's HTML (and the Bot API's, https://core.telegram.org/bots/api#html-style) to
text and TL message entities."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from tgfleet.parser.formats import MENTION_LINK, date_entity, emoji_id
from tgfleet.parser.utf16 import to_surrogates
from tgfleet.tl import TLObject
from tgfleet.tl import types as t

_PLAIN = {
    "b": t.MessageEntityBold,
    "strong": t.MessageEntityBold,
    "i": t.MessageEntityItalic,
    "em": t.MessageEntityItalic,
    "u": t.MessageEntityUnderline,
    "ins": t.MessageEntityUnderline,
    "s": t.MessageEntityStrike,
    "strike": t.MessageEntityStrike,
    "del": t.MessageEntityStrike,
    "spoiler": t.MessageEntitySpoiler,
    "tg-spoiler": t.MessageEntitySpoiler,
    "code": t.MessageEntityCode,
}

_Open = tuple[int, type[Any], dict[str, Any]]


class HTMLReader(HTMLParser):
    """Feed it markup; ``units`` is then the text (a surrogate string) and ``entities`` the closed entities, in
    the order they closed, with UTF-16 offsets. Unknown tags are ignored, a closing tag nothing opened is
    ignored, and an entity never closed is dropped; character references are decoded once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._length = 0
        self._open: dict[str, list[_Open | None]] = {}
        self.entities: list[TLObject] = []

    @property
    def units(self) -> str:
        return "".join(self._chunks)

    def handle_data(self, data: str) -> None:
        units = to_surrogates(data)
        self._chunks.append(units)
        self._length += len(units)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self._entity_of(tag, dict(attrs))
        if found is not None or tag in ("span", "code"):  # a plain span/code still pairs with its end tag
            self._open.setdefault(tag, []).append(None if found is None else (self._length, *found))

    def handle_endtag(self, tag: str) -> None:
        stack = self._open.get(tag)
        if not stack:
            return
        opened = stack.pop()
        if opened is None:
            return
        offset, cls, fields = opened
        if self._length > offset:
            self.entities.append(cls(offset=offset, length=self._length - offset, **fields))

    def _entity_of(self, tag: str, attrs: dict[str, str | None]) -> tuple[type[Any], dict[str, Any]] | None:
        if tag == "code" and (attrs.get("class") or "").startswith("language-") and self._name_pre(attrs):
            return None
        plain = _PLAIN.get(tag)
        if plain is not None:
            return plain, {}
        if tag == "pre":
            return t.MessageEntityPre, {"language": attrs.get("language") or ""}
        if tag == "blockquote":
            return t.MessageEntityBlockquote, {"collapsed": "expandable" in attrs}
        if tag == "span":
            return (t.MessageEntitySpoiler, {}) if attrs.get("class") == "tg-spoiler" else None
        if tag == "a":
            return _link(attrs.get("href"))
        if tag in ("tg-emoji", "emoji"):
            return t.MessageEntityCustomEmoji, {"document_id": emoji_id(attrs.get("emoji-id", attrs.get("id")))}
        if tag == "tg-time":
            return t.MessageEntityFormattedDate, date_entity(attrs.get("unix"), attrs.get("format"))
        return None

    def _name_pre(self, attrs: dict[str, str | None]) -> bool:
        """``<pre><code class="language-x">``: give the open ``pre`` its language (the Bot API's form)."""
        stack = self._open.get("pre")
        opened = stack[-1] if stack else None
        if opened is None or opened[2]["language"]:
            return False
        opened[2]["language"] = (attrs.get("class") or "")[len("language-") :]
        return True


def _link(href: str | None) -> tuple[type[Any], dict[str, Any]] | None:
    if not href:
        return None
    mention = MENTION_LINK.fullmatch(href)
    if mention:
        return t.MessageEntityMentionName, {"user_id": int(mention.group(1))}
    if href.startswith("mailto:"):
        return t.MessageEntityEmail, {}
    return t.MessageEntityTextUrl, {"url": href}
