"""``Game``: an HTML5 game of a bot."""

from __future__ import annotations

from typing import Any

from tgfleet.types.media.photo import Photo
from tgfleet.types.object import Object, lazy


class Game(Object):
    """A game (``short_name`` names it to its bot)."""

    FIELDS = ("id", "title", "short_name", "description", "photo")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Game:
        return cls._lazy(client, raw)

    @lazy
    def id(self) -> int:
        return int(self._raw.id)

    @lazy
    def title(self) -> str:
        return str(self._raw.title)

    @lazy
    def short_name(self) -> str:
        return str(self._raw.short_name)

    @lazy
    def description(self) -> str:
        return str(self._raw.description)

    @lazy
    def photo(self) -> Photo | None:
        return Photo._parse(self._client, self._raw.photo)
