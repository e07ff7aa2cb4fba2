"""The server role reads what lenient clients send as Telegram does (``substitutes.py``): an ``InputPeer`` where the
schema says ``InputUser``, ``InputChannel`` or ``InputDialogPeer`` is read as the constructor it stands for; a
constructor that stands for nothing there is still refused, and without the table every one of them is."""

from __future__ import annotations

import pytest

from tgfleet.errors import DecodeError
from tgfleet.mtproto.session.substitutes import SERVER_SUBSTITUTES
from tgfleet.tl import decode, types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages


def _invite(channel: object, users: list[object]) -> bytes:
    return f_channels.InviteToChannel(channel=channel, users=users).to_bytes()  # type: ignore[arg-type]


def test_input_peers_stand_for_input_users_and_channels() -> None:
    raw = _invite(
        types.InputPeerChannel(channel_id=5, access_hash=-6),
        [
            types.InputPeerUser(user_id=7, access_hash=8),
            types.InputPeerSelf(),
            types.InputUser(user_id=9, access_hash=1),
        ],
    )
    with pytest.raises(DecodeError):
        decode(raw)
    call = decode(raw, SERVER_SUBSTITUTES)
    assert isinstance(call, f_channels.InviteToChannel)
    assert call.channel == types.InputChannel(channel_id=5, access_hash=-6)
    assert call.users == [
        types.InputUser(user_id=7, access_hash=8),
        types.InputUserSelf(),
        types.InputUser(user_id=9, access_hash=1),
    ]


def test_what_stands_for_nothing_is_refused() -> None:
    with pytest.raises(DecodeError, match=r"inputPeerChat .* is not a InputChannel"):
        decode(_invite(types.InputPeerChat(chat_id=5), []), SERVER_SUBSTITUTES)
    stray_channel = [types.InputPeerChannel(channel_id=1, access_hash=2)]  # no user
    with pytest.raises(DecodeError):
        decode(_invite(types.InputChannel(channel_id=5, access_hash=1), stray_channel), SERVER_SUBSTITUTES)


def test_input_peers_stand_for_input_dialog_peers() -> None:
    for peer in (
        types.InputPeerUser(user_id=7, access_hash=8),
        types.InputPeerSelf(),
        types.InputPeerChat(chat_id=5),
        types.InputPeerChannel(channel_id=5, access_hash=-6),
    ):
        raw = f_messages.MarkDialogUnread(peer=peer, unread=True).to_bytes()  # type: ignore[arg-type]
        with pytest.raises(DecodeError):
            decode(raw)
        call = decode(raw, SERVER_SUBSTITUTES)
        assert isinstance(call, f_messages.MarkDialogUnread)
        assert call.peer == types.InputDialogPeer(peer=peer) and call.unread
