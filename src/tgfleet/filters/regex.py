"""``filters.regex``: updates whose text matches a pattern; the matches land in ``update.matches``."""

from __future__ import annotations

import re
from typing import Any

from tgfleet.filters.filter import Filter, create
from tgfleet.types import Message


def _value(update: Any) -> Any:
    """What the pattern is matched against: a message's text or caption, a callback query's data, an inline
    query's query, a pre-checkout query's payload."""
    if isinstance(update, Message):
        return update.text or update.caption
    for name in ("data", "query", "invoice_payload"):
        if hasattr(update, name):
            return getattr(update, name)
    raise ValueError(f"the regex filter does not work with {type(update).__name__}")


async def _regex(flt: Any, client: Any, update: Any) -> bool:
    value = _value(update)
    if value:
        update.matches = list(flt.p.finditer(value)) or None
    return bool(getattr(update, "matches", None))


def regex(pattern: str | re.Pattern[str], flags: int = 0) -> Filter:
    """Updates whose text (a message's text or caption) has a match of ``pattern``; every match is stored
    in ``update.matches``."""
    compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
    return create(_regex, "RegexFilter", p=compiled)
