"""A TL ``ReplyMarkup`` as the matching keyboard type."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.keyboards.force_reply import ForceReply
from tgfleet.types.keyboards.inline_keyboard_markup import InlineKeyboardMarkup
from tgfleet.types.keyboards.reply_keyboard_markup import ReplyKeyboardMarkup
from tgfleet.types.keyboards.reply_keyboard_remove import ReplyKeyboardRemove


def reply_markup_of(raw: Any) -> Any:
    """The keyboard of a message (None for none)."""
    if isinstance(raw, t.ReplyInlineMarkup):
        return InlineKeyboardMarkup._parse(raw)
    if isinstance(raw, t.ReplyKeyboardMarkup):
        return ReplyKeyboardMarkup._parse(raw)
    if isinstance(raw, t.ReplyKeyboardHide):
        return ReplyKeyboardRemove(selective=raw.selective)
    if isinstance(raw, t.ReplyKeyboardForceReply):
        return ForceReply(selective=raw.selective, placeholder=raw.placeholder)
    return None
