"""Entity offsets count UTF-16 code units (https://core.telegram.org/api/entities#entity-length).

The parsers work on a "surrogate string": the text with every astral character (outside the Basic
Multilingual Plane) written as its two UTF-16 surrogates, so that Python's indexes are UTF-16 offsets.
"""

from __future__ import annotations

import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _pair(match: re.Match[str]) -> str:
    unit = ord(match.group()) - 0x10000
    return chr(0xD800 + (unit >> 10)) + chr(0xDC00 + (unit & 0x3FF))


def to_surrogates(text: str) -> str:
    """``text`` with each astral character as its surrogate pair: ``len()`` is then the UTF-16 length."""
    if text.isascii():
        return text
    return _ASTRAL.sub(_pair, text)


def from_surrogates(text: str) -> str:
    """The inverse of :func:`to_surrogates`; a lone surrogate is kept as it is."""
    if text.isascii():
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))
