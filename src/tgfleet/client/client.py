"""``tgfleet.Client``: the core plus one mixin per topic."""

from __future__ import annotations

from tgfleet.client.methods.auth import StartMethods
from tgfleet.client.methods.messages import MessageMethods
from tgfleet.client.methods.updates import UpdateMethods


class Client(StartMethods, MessageMethods, UpdateMethods):
    """A Telegram user (or bot) account: ``Client(name, api_id, api_hash, ...)``.

    See :class:`tgfleet.client.core.ClientCore` for the constructor's options, and the mixins for the
    methods. ``async with Client(...) as app:`` connects, and disconnects and saves on exit.
    """
