"""``PrivacyRule``: one rule of a privacy setting (``get_privacy`` / ``set_privacy``), as Pyrogram has it."""

from __future__ import annotations

from typing import Any

from tgfleet.enums import PrivacyRuleType
from tgfleet.types.chat import Chat
from tgfleet.types.object import List, Object
from tgfleet.types.user import User


class PrivacyRule(Object):
    """``type`` (allow all, contacts, these users, ...) and the ``users`` / ``chats`` it names."""

    FIELDS = ("type", "users", "chats")

    @classmethod
    def _parse(cls, client: Any, raw: Any, users: dict[int, Any], chats: dict[int, Any]) -> PrivacyRule:
        """From a TL ``privacyValue*``, with the answer's users and chats by id."""
        named = List(u for i in getattr(raw, "users", None) or () if (u := User._parse(client, users.get(i))))
        in_chats = List(c for i in getattr(raw, "chats", None) or () if (c := Chat._parse(client, chats.get(i))))
        rule = cls(client=client, type=PrivacyRuleType(type(raw)), users=named or None, chats=in_chats or None)
        rule.__dict__["_raw"] = raw
        return rule
