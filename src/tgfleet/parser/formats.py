"""What each TL entity is in markup: its date-time format letters, user mention links, custom emoji links.

Shared by the HTML and Markdown readers and writers, so both spell an entity the same way.
"""

from __future__ import annotations

import re
from typing import Any

from tgfleet.parser.errors import MarkupError
from tgfleet.tl import types as t

FIXED_WIDTH = (t.MessageEntityCode, t.MessageEntityPre)
"""Entities inside which nothing is markup: they go innermost among entities of the same extent."""
MENTION_LINK = re.compile(r"tg://user\?id=(\d{1,18})")
DATE_FORMAT = re.compile(r"r|w?[dD]?[tT]?")


def date_format(entity: Any) -> str:
    """The format letters of a ``messageEntityFormattedDate``: ``r`` (relative) or ``w`` ``d|D`` ``t|T``."""
    if entity.relative:
        return "r"
    letters = "w" if entity.day_of_week else ""
    letters += "d" if entity.short_date else "D" if entity.long_date else ""
    letters += "t" if entity.short_time else "T" if entity.long_time else ""
    return letters


def date_entity(unix: str | None, letters: str | None) -> dict[str, Any]:
    """The fields of a formatted-date entity from markup; raises MarkupError for a bad time or format."""
    if unix is None or not unix.strip().lstrip("-").isdigit() or not -(2**31) <= int(unix) < 2**31:
        raise MarkupError(f"a date-time needs a whole unix time (32 bits), got {unix!r}")
    letters = letters or ""
    if letters and not DATE_FORMAT.fullmatch(letters):
        raise MarkupError(f"invalid date-time format {letters!r} (expected r, or w, d|D, t|T in that order)")
    return {
        "date": int(unix),
        "relative": letters == "r",
        "day_of_week": "w" in letters,
        "short_date": "d" in letters,
        "long_date": "D" in letters,
        "short_time": "t" in letters,
        "long_time": "T" in letters,
    }


def emoji_id(value: str | None) -> int:
    """A custom emoji's document id from markup; raises MarkupError when it is not a number."""
    if value is None or not value.strip().isdigit() or int(value) >= 2**63:
        raise MarkupError(f"a custom emoji needs a numeric id (64 bits), got {value!r}")
    return int(value)


def mention_user_id(entity: Any) -> int | None:
    """The user id a mention entity names (its ``InputMessageEntityMentionName`` form too), else None."""
    if isinstance(entity, t.MessageEntityMentionName):
        return int(entity.user_id)
    if isinstance(entity, t.InputMessageEntityMentionName):
        return int(getattr(entity.user_id, "user_id", 0)) or None
    return None
