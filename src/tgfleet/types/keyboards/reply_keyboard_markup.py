"""``ReplyKeyboardMarkup``: a custom keyboard shown instead of the user's."""

from __future__ import annotations

from typing import Any

from tgfleet.types.keyboards.keyboard_button import KeyboardButton
from tgfleet.types.object import Object


class ReplyKeyboardMarkup(Object):
    """Rows of keyboard buttons (``keyboard[row][column]``) and how the keyboard behaves."""

    FIELDS = ("keyboard", "is_persistent", "resize_keyboard", "one_time_keyboard", "selective", "placeholder")
    keyboard: list[list[KeyboardButton | str]]

    def __init__(
        self,
        keyboard: list[list[KeyboardButton | str]],
        is_persistent: bool | None = None,
        resize_keyboard: bool | None = None,
        one_time_keyboard: bool | None = None,
        selective: bool | None = None,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            keyboard=keyboard,
            is_persistent=is_persistent,
            resize_keyboard=resize_keyboard,
            one_time_keyboard=one_time_keyboard,
            selective=selective,
            placeholder=placeholder,
        )

    @classmethod
    def _parse(cls, raw: Any) -> ReplyKeyboardMarkup:
        markup = cls(
            [[KeyboardButton._parse(b) for b in row.buttons] for row in raw.rows],
            is_persistent=raw.persistent,
            resize_keyboard=raw.resize,
            one_time_keyboard=raw.single_use,
            selective=raw.selective,
            placeholder=raw.placeholder,
        )
        markup.__dict__["_raw"] = raw
        return markup
