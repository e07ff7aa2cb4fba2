"""``tgfleet.Client``: the core plus one mixin per topic."""

from __future__ import annotations

from tgfleet.client.lifecycle import LifecycleMethods
from tgfleet.client.methods.contacts import ContactMethods
from tgfleet.client.methods.dialogs import DialogMethods
from tgfleet.client.methods.message_changes import MessageChangeMethods
from tgfleet.client.methods.message_extras import MessageExtraMethods
from tgfleet.client.methods.profile import ProfileMethods
from tgfleet.client.methods.sessions import SessionMethods


class Client(
    LifecycleMethods,
    MessageChangeMethods,
    DialogMethods,
    MessageExtraMethods,
    ContactMethods,
    ProfileMethods,
    SessionMethods,
):
    """A Telegram user (or bot) account: ``Client(name, api_id, api_hash, ...)``.

    See :class:`tgfleet.client.core.ClientCore` for the constructor's options, and the mixins for the
    methods. ``async with Client(...) as app:`` is ``start()`` / ``stop()`` (``with`` in the synchronous style).
    """
