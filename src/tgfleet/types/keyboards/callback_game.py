"""``CallbackGame``: the mark of a button that starts a bot's game."""

from __future__ import annotations

from tgfleet.types.object import Object


class CallbackGame(Object):
    """A placeholder: the button launches the game of the message."""
