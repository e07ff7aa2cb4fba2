"""``ForceReply``: show the reply interface to the user."""

from __future__ import annotations

from tgfleet.types.object import Object


class ForceReply(Object):
    """Open a reply to this message in the user's app (``placeholder`` in the input field)."""

    FIELDS = ("selective", "placeholder")

    def __init__(self, selective: bool | None = None, placeholder: str | None = None) -> None:
        super().__init__(selective=selective, placeholder=placeholder)
