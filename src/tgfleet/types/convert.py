"""Small conversions shared by the types: TL timestamps to dates, TL peers to Pyrogram's chat ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.tl import types as t

CHANNEL_ZERO = -1_000_000_000_000
"""A channel's Pyrogram id is ``CHANNEL_ZERO - channel_id`` (the Bot API's ``-100...`` ids)."""


def to_date(ts: int | None) -> datetime | None:
    """A TL unix time as Pyrogram gives it: a naive ``datetime`` in local time (None for 0 or absent)."""
    return datetime.fromtimestamp(ts) if ts else None


def peer_id(peer: Any) -> int:
    """Pyrogram's id of a TL peer: users positive, basic groups negative, channels ``-100...``."""
    if isinstance(peer, t.PeerUser):
        return int(peer.user_id)
    if isinstance(peer, t.PeerChat):
        return -int(peer.chat_id)
    if isinstance(peer, t.PeerChannel):
        return CHANNEL_ZERO - int(peer.channel_id)
    raise ValueError(f"not a peer: {type(peer).__name__}")


def chat_id(chat: Any) -> int:
    """Pyrogram's id of a TL ``Chat`` or ``Channel`` (or their forbidden forms)."""
    if isinstance(chat, (t.Channel, t.ChannelForbidden)):
        return CHANNEL_ZERO - int(chat.id)
    return -int(chat.id)


def input_user(peer: Any) -> t.TypeInputUser:
    """The ``InputUser`` of a resolved user's ``InputPeer`` (``inputPeerSelf`` / ``inputPeerUser``); a group or channel
    has none: ``inputUserEmpty``, which the server refuses as it refuses an unknown user."""
    if isinstance(peer, t.InputPeerSelf):
        return t.InputUserSelf()
    if isinstance(peer, t.InputPeerUser):
        return t.InputUser(user_id=peer.user_id, access_hash=peer.access_hash)
    return t.InputUserEmpty()
