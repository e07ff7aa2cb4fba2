"""The base of every enumeration: an ``auto()`` member's value is its name in lower case, as in Pyrogram."""

from __future__ import annotations

from enum import Enum
from typing import Any


class AutoName(Enum):
    """An enumeration whose ``auto()`` values are the member names in lower case (``ChatType.PRIVATE.value ==
    "private"``); ``repr`` names the module users import it from."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> Any:
        return name.lower()

    def __repr__(self) -> str:
        return f"tgfleet.enums.{self}"
