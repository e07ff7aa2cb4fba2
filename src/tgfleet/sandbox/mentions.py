"""Who a group message mentions (https://core.telegram.org/api/mentions): a member named by a
``messageEntityMentionName`` / ``inputMessageEntityMentionName``, by ``@username`` (in the text, where Telegram
finds it without the client's entities, or a ``messageEntityMention`` over it), or the sender of the message it
replies to. Each such member's copy is ``mentioned`` and
``media_unread`` until he reads it (``messages.readMessageContents``); the sender never mentions himself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tgfleet.tl import types

USERNAME = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]{4,31})(?![\w@])")
"""An ``@username`` in a text (https://core.telegram.org/method/account.checkUsername: 5 to 32 characters of a-z,
0-9 and underscores, starting with a letter)."""


def _utf16_slice(text: str, offset: int, length: int) -> str:
    """``text``'s part at ``offset``/``length`` in UTF-16 code units (the entities' measure); '' when out of range."""
    data = text.encode("utf-16-le")
    if offset < 0 or length <= 0 or 2 * (offset + length) > len(data):
        return ""
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="ignore")


def mentioned_ids(text: str, entities: Iterable[Any], usernames: dict[str, int]) -> set[int]:
    """The user ids ``entities`` name in ``text`` (``usernames``: lowercase username -> id of the candidates)."""
    found = {user_id for m in USERNAME.finditer(text) if (user_id := usernames.get(m.group(1).lower())) is not None}
    for entity in entities:
        if isinstance(entity, types.MessageEntityMentionName):
            found.add(entity.user_id)
        elif isinstance(entity, types.InputMessageEntityMentionName):
            user_id = getattr(entity.user_id, "user_id", None)
            if isinstance(user_id, int):
                found.add(user_id)
        elif isinstance(entity, types.MessageEntityMention):
            name = _utf16_slice(text, entity.offset, entity.length)
            if name.startswith("@") and (user_id := usernames.get(name[1:].lower())) is not None:
                found.add(user_id)
    return found
