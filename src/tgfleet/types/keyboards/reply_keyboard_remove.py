"""``ReplyKeyboardRemove``: hide the custom keyboard."""

from __future__ import annotations

from tgfleet.types.object import Object


class ReplyKeyboardRemove(Object):
    """Remove the reply keyboard (``selective``: only for the mentioned users or the replied-to sender)."""

    FIELDS = ("selective",)

    def __init__(self, selective: bool | None = None) -> None:
        super().__init__(selective=selective)
