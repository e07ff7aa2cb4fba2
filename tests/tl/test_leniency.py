"""``decode(..., leniency=)``: the constructors a Leniency adds to a type are read in its place (nested and in
vectors), everything else stays as strict as without it, and a plain decode refuses them."""

from __future__ import annotations

import pytest

from tgfleet.errors import DecodeError
from tgfleet.tl import Leniency, TLObject, decode, functions, types

LENIENT = Leniency({"InputUser": (types.InputPeerUser, types.InputPeerSelf)})


def _bytes(obj: TLObject) -> bytes:
    return obj.to_bytes()


def test_an_input_peer_where_an_input_user_is_expected() -> None:
    peer = types.InputPeerUser(user_id=1234567890, access_hash=-5)
    request = functions.users.GetUsers(id=[peer, types.InputPeerSelf(), types.InputUser(user_id=7, access_hash=8)])  # type: ignore[list-item]
    data = _bytes(request)
    with pytest.raises(DecodeError):
        decode(data)
    read = decode(data, leniency=LENIENT)
    assert isinstance(read, functions.users.GetUsers)
    assert [type(u) for u in read.id] == [types.InputPeerUser, types.InputPeerSelf, types.InputUser]
    assert read.id[0].user_id == 1234567890 and read.id[0].access_hash == -5  # type: ignore[union-attr]

    nested = functions.contacts.AddContact(id=peer, first_name="A", last_name="", phone="")  # type: ignore[arg-type]
    assert decode(_bytes(nested), leniency=LENIENT).id == peer  # type: ignore[attr-defined]


def test_what_the_leniency_does_not_name_stays_refused() -> None:
    chat = functions.users.GetUsers(id=[types.InputPeerChat(chat_id=5)])  # type: ignore[list-item]
    with pytest.raises(DecodeError):
        decode(_bytes(chat), leniency=LENIENT)
    wrong_place = functions.messages.GetHistory(
        peer=types.InputUser(user_id=1, access_hash=2),  # type: ignore[arg-type]  # InputPeer is not widened
        offset_id=0, offset_date=0, add_offset=0, limit=1, max_id=0, min_id=0, hash=0,
    )  # fmt: skip
    with pytest.raises(DecodeError):
        decode(_bytes(wrong_place), leniency=LENIENT)
