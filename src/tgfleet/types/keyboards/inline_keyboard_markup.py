"""``InlineKeyboardMarkup``: the buttons under a message."""

from __future__ import annotations

from typing import Any

from tgfleet.types.keyboards.inline_keyboard_button import InlineKeyboardButton
from tgfleet.types.object import Object


class InlineKeyboardMarkup(Object):
    """Rows of inline buttons: ``inline_keyboard[row][column]``."""

    FIELDS = ("inline_keyboard",)
    inline_keyboard: list[list[InlineKeyboardButton]]

    def __init__(self, inline_keyboard: list[list[InlineKeyboardButton]]) -> None:
        super().__init__(inline_keyboard=inline_keyboard)

    @classmethod
    def _parse(cls, raw: Any) -> InlineKeyboardMarkup:
        markup = cls([[InlineKeyboardButton._parse(b) for b in row.buttons] for row in raw.rows])
        markup.__dict__["_raw"] = raw
        return markup
