"""``TermsOfService``: Telegram's terms a new account must accept."""

from __future__ import annotations

from typing import Any

from tgfleet.types.message_entity import MessageEntity
from tgfleet.types.object import List, Object


class TermsOfService(Object):
    """The terms' ``id``, ``text`` and the ``entities`` in it (links...)."""

    FIELDS = ("id", "text", "entities")

    def __init__(self, *, id: str, text: str, entities: list[MessageEntity] | None = None) -> None:
        super().__init__(id=id, text=text, entities=entities)

    @classmethod
    def _parse(cls, raw: Any) -> TermsOfService:
        """From a TL ``help.termsOfService``."""
        entities = List(MessageEntity._parse(None, e, {}) for e in raw.entities) or None
        terms = cls(id=raw.id.data, text=raw.text, entities=entities)
        terms.__dict__["_raw"] = raw
        return terms
