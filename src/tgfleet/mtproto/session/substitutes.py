"""What Telegram's servers accept in place of the type a method's schema names, as everyday clients rely on it.

Kurigram (like Pyrogram) passes the ``InputPeer`` its ``resolve_peer`` gives where a method wants an ``InputUser``
or an ``InputChannel`` (``channels.inviteToChannel(channel=inputPeerChannel, users=[inputPeerUser])``), and
Telegram answers those calls; the server role (``server.py``) therefore reads an ``inputPeerUser`` /
``inputPeerSelf`` / ``inputPeerChannel`` / ``inputPeerEmpty`` in those places as the constructor it stands for.
Likewise any ``InputPeer`` where an ``InputDialogPeer`` is wanted (Kurigram's ``mark_chat_unread`` sends
``messages.markDialogUnread(peer=inputPeerUser)``; Telegram answers it: https://github.com/pyrogram/pyrogram/pull/322),
read as ``inputDialogPeer`` of that peer. Everything else of another type is still refused (INPUT_FETCH_FAIL).
"""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types
from tgfleet.tl.core.reader import Substitutes


def _user(peer: Any) -> types.InputUser:
    return types.InputUser(user_id=peer.user_id, access_hash=peer.access_hash)


def _channel(peer: Any) -> types.InputChannel:
    return types.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)


def _dialog(peer: Any) -> types.InputDialogPeer:
    return types.InputDialogPeer(peer=peer)


_AS_DIALOG = (types.InputDialogPeer.CONSTRUCTOR_ID, _dialog)

SERVER_SUBSTITUTES: Substitutes = {
    types.InputPeerUser.CONSTRUCTOR_ID: ((types.InputUser.CONSTRUCTOR_ID, _user), _AS_DIALOG),
    types.InputPeerSelf.CONSTRUCTOR_ID: (
        (types.InputUserSelf.CONSTRUCTOR_ID, lambda _: types.InputUserSelf()),
        _AS_DIALOG,
    ),
    types.InputPeerChannel.CONSTRUCTOR_ID: ((types.InputChannel.CONSTRUCTOR_ID, _channel), _AS_DIALOG),
    types.InputPeerChat.CONSTRUCTOR_ID: (_AS_DIALOG,),
    types.InputPeerEmpty.CONSTRUCTOR_ID: (
        (types.InputUserEmpty.CONSTRUCTOR_ID, lambda _: types.InputUserEmpty()),
        (types.InputChannelEmpty.CONSTRUCTOR_ID, lambda _: types.InputChannelEmpty()),
    ),
}
"""Constructor id -> what it may stand for (see above)."""
