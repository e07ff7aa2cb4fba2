"""Compare our objects with Kurigram's field by field, where both have the field."""

from __future__ import annotations

import re
import warnings
from datetime import datetime
from enum import Enum
from typing import Any

from tgfleet.types import Object

# Fields Pyrogram and Kurigram name alike but Kurigram fills differently, with the reason.
DIFFERENT = {
    r"\.has_media_spoiler": "Kurigram says False for a message without media; Pyrogram, and we, None",
    r"\.pinned_message": "Kurigram fetches it (not here, without a connection); we give its id and chat",
    r"\.outgoing": "Kurigram leaves it None on service messages; we say whether the message is ours",
    r"\.poll\.(question|options\[\d+\]\.text)": "Kurigram has a FormattedText there; Pyrogram, and we, a str",
}
_DIFFERENT = re.compile("|".join(DIFFERENT))


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Where ``ours`` and ``theirs`` differ, as readable paths (empty when they agree)."""
    if isinstance(ours, Object):
        if theirs is None:
            return [f"{path}: ours {type(ours).__name__}, theirs None"]
        found = []
        for name in type(ours).FIELDS:
            with warnings.catch_warnings():  # Kurigram warns on Pyrogram's names it still answers to
                warnings.simplefilter("ignore", DeprecationWarning)
                if _DIFFERENT.fullmatch(f"{path}.{name}") or not hasattr(theirs, name):
                    continue
                their_value = getattr(theirs, name)
            found += differences(getattr(ours, name), their_value, f"{path}.{name}")
        return found
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(ours)} items, theirs {len(theirs)}"]
        return [d for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    mine, other = _plain(ours), _plain(theirs)
    return [] if mine == other else [f"{path}: ours {mine!r}, theirs {other!r}"]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        return str(value)
    return value
