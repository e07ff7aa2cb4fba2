"""``tgfleet.Client``: the core plus one mixin per topic."""

from __future__ import annotations

from tgfleet.client.lifecycle import LifecycleMethods
from tgfleet.client.methods.chat_folders import ChatFolderMethods
from tgfleet.client.methods.chat_members import ChatMemberMethods
from tgfleet.client.methods.chat_photos import ChatPhotoMethods
from tgfleet.client.methods.chats import ChatMethods
from tgfleet.client.methods.contacts import ContactMethods
from tgfleet.client.methods.dialogs import DialogMethods
from tgfleet.client.methods.downloads import DownloadMethods
from tgfleet.client.methods.invite_links import InviteLinkMethods
from tgfleet.client.methods.media_files import MediaFileMethods
from tgfleet.client.methods.message_changes import MessageChangeMethods
from tgfleet.client.methods.message_extras import MessageExtraMethods
from tgfleet.client.methods.profile import ProfileMethods
from tgfleet.client.methods.sessions import SessionMethods


class Client(
    LifecycleMethods,
    MessageChangeMethods,
    DialogMethods,
    ChatMethods,
    ChatMemberMethods,
    InviteLinkMethods,
    MediaFileMethods,
    DownloadMethods,
    MessageExtraMethods,
    ContactMethods,
    ProfileMethods,
    SessionMethods,
    ChatPhotoMethods,
    ChatFolderMethods,
):
    """A Telegram user (or bot) account: ``Client(name, api_id, api_hash, ...)``.

    See :class:`tgfleet.client.core.ClientCore` for the constructor's options, and the mixins for the
    methods. ``async with Client(...) as app:`` is ``start()`` / ``stop()`` (``with`` in the synchronous style).
    """
