"""``Dice``: an animated emoji with a random value."""

from __future__ import annotations

from typing import Any

from tgfleet.types.object import Object, lazy


class Dice(Object):
    """A die (🎲 1-6, 🎯 1-6, 🏀 1-5, ⚽ 1-5, 🎰 1-64, 🎳 1-6) and the value it rolled."""

    FIELDS = ("emoji", "value")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Dice:
        return cls._lazy(client, raw)

    @lazy
    def emoji(self) -> str:
        return str(self._raw.emoticon)

    @lazy
    def value(self) -> int:
        return int(self._raw.value)
