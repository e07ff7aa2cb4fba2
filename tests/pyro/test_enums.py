"""tgfleet.enums has every enumeration of Kurigram's ``pyrogram.enums``, with the same members and values."""

from __future__ import annotations

import enum

import pyrogram.enums
import pytest

from tgfleet import enums


@pytest.mark.parametrize("name", pyrogram.enums.__all__)
def test_every_enum_member_and_value_is_kurigrams(name: str) -> None:
    theirs: type[enum.Enum] = getattr(pyrogram.enums, name)
    ours: type[enum.Enum] = getattr(enums, name)
    assert [m.name for m in ours] == [m.name for m in theirs]
    for mine, kuri in zip(ours, theirs, strict=True):
        if isinstance(kuri.value, type):  # a raw TL class: the same constructor
            assert mine.value.CONSTRUCTOR_ID == kuri.value.ID, mine
        else:
            assert mine.value == kuri.value, mine


def test_enums_look_like_pyrograms() -> None:
    assert enums.ParseMode.DEFAULT.value == "default"
    assert str(enums.ChatType.PRIVATE) == "ChatType.PRIVATE"
    assert repr(enums.MessageMediaType.PHOTO) == "tgfleet.enums.MessageMediaType.PHOTO"
    assert enums.ChatType("supergroup") is enums.ChatType.SUPERGROUP
