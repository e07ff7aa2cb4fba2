"""The Sequencer on its own (https://core.telegram.org/api/updates): the pts rule (apply, duplicate, gap),
the seq rule of ``updates`` / ``updatesCombined``, the short forms, own updates (``updateShortSentMessage``),
``updatesTooLong``, channel updates passing by the common sequence, an uninitialized state, and a call's own
change (``messages.affectedMessages``) in the common sequence or a channel's."""

from __future__ import annotations

from typing import Any

from tgfleet.client.updates import Sequencer
from tgfleet.client.updates.affected import Affected
from tgfleet.client.updates.channel_pts import ChannelPts
from tgfleet.storage import UpdateState
from tgfleet.tl import types

SELF = 1000
PEER = 2000


def state(pts: int = 10, seq: int = 5, date: int = 100) -> UpdateState:
    return UpdateState(pts=pts, qts=0, date=date, seq=seq)


def new_message(pts: int, count: int = 1, msg_id: int = 1) -> types.UpdateNewMessage:
    message = types.Message(id=msg_id, peer_id=types.PeerUser(user_id=PEER), date=1, message=f"m{msg_id}")
    return types.UpdateNewMessage(message=message, pts=pts, pts_count=count)


def container(*updates: Any, seq: int = 0, date: int = 200) -> types.Updates:
    return types.Updates(updates=list(updates), users=[], chats=[], date=date, seq=seq)


def test_an_update_in_order_is_applied_and_moves_pts() -> None:
    seq = Sequencer(state(pts=10), SELF)
    batch = seq.feed(types.UpdateShort(update=new_message(11), date=1))
    assert [u.pts for u in batch.updates] == [11] and not batch.gap
    assert seq.state is not None and seq.state.pts == 11


def test_an_update_already_applied_is_ignored() -> None:
    seq = Sequencer(state(pts=10), SELF)
    batch = seq.feed(types.UpdateShort(update=new_message(10), date=1))
    assert batch.updates == [] and not batch.gap
    assert seq.state is not None and seq.state.pts == 10


def test_a_gap_asks_for_the_difference_and_applies_nothing() -> None:
    seq = Sequencer(state(pts=10), SELF)
    batch = seq.feed(types.UpdateShort(update=new_message(13), date=1))  # 11 and 12 are missing
    assert batch.gap and batch.updates == []
    assert seq.state is not None and seq.state.pts == 10


def test_own_sent_message_moves_pts_so_the_next_update_fits() -> None:
    seq = Sequencer(state(pts=10), SELF)
    own = types.UpdateShortSentMessage(id=5, pts=11, pts_count=1, date=1, out=True)
    assert seq.feed(own).updates == []  # nothing to hand on, but pts moved
    batch = seq.feed(types.UpdateShort(update=new_message(12), date=1))
    assert not batch.gap and len(batch.updates) == 1


def test_short_message_becomes_the_new_message_it_abbreviates() -> None:
    seq = Sequencer(state(pts=10), SELF)
    short = types.UpdateShortMessage(id=7, user_id=PEER, message="hi", pts=11, pts_count=1, date=3, out=True)
    [update] = seq.feed(short).updates
    assert isinstance(update, types.UpdateNewMessage) and update.pts == 11
    assert update.message.message == "hi" and update.message.peer_id == types.PeerUser(user_id=PEER)
    assert update.message.from_id == types.PeerUser(user_id=SELF)  # outgoing: sent by the account itself
    chat = types.UpdateShortChatMessage(id=8, from_id=PEER, chat_id=77, message="all", pts=12, pts_count=1, date=3)
    [update] = seq.feed(chat).updates
    assert update.message.peer_id == types.PeerChat(chat_id=77) and update.message.from_id == types.PeerUser(
        user_id=PEER
    )


def test_a_container_is_applied_in_pts_order_and_stores_seq_and_date() -> None:
    seq = Sequencer(state(pts=10, seq=5), SELF)
    batch = seq.feed(container(new_message(12, msg_id=2), new_message(11, msg_id=1), seq=6, date=300))
    assert [u.message.id for u in batch.updates] == [1, 2] and not batch.gap
    assert seq.state == UpdateState(pts=12, qts=0, date=300, seq=6)


def test_seq_rules_duplicate_gap_and_zero() -> None:
    seq = Sequencer(state(pts=10, seq=5), SELF)
    assert seq.feed(container(new_message(11), seq=5)).updates == []  # seq already seen: a duplicate
    assert seq.state is not None and seq.state.pts == 10
    gap = seq.feed(container(new_message(11), seq=7))  # seq 6 is missing
    assert gap.gap and gap.updates == []
    unordered = seq.feed(container(new_message(11), seq=0))  # seq 0: no seq check, seq stays
    assert len(unordered.updates) == 1 and seq.state == state(pts=11, seq=5)
    combined = types.UpdatesCombined(updates=[new_message(12)], users=[], chats=[], date=400, seq_start=6, seq=7)
    assert len(seq.feed(combined).updates) == 1 and seq.state == UpdateState(pts=12, qts=0, date=400, seq=7)


def test_a_gap_inside_a_container_stops_there() -> None:
    seq = Sequencer(state(pts=10, seq=0), SELF)
    batch = seq.feed(container(new_message(11, msg_id=1), new_message(14, msg_id=4)))
    assert [u.message.id for u in batch.updates] == [1] and batch.gap
    assert seq.state is not None and seq.state.pts == 11


def test_updates_too_long_and_no_state_ask_for_the_difference() -> None:
    assert Sequencer(state(), SELF).feed(types.UpdatesTooLong()).gap
    assert Sequencer(None, SELF).feed(types.UpdateShort(update=new_message(1), date=1)).gap


def test_updates_outside_the_common_sequence_pass_through() -> None:
    seq = Sequencer(state(pts=10), SELF)
    status = types.UpdateUserStatus(user_id=PEER, status=types.UserStatusOnline(expires=5))
    message = types.Message(id=1, peer_id=types.PeerChannel(channel_id=9), date=1, message="c")
    channel = types.UpdateNewChannelMessage(message=message, pts=500, pts_count=1)  # the channel's own pts
    batch = seq.feed(container(status, channel))
    assert batch.updates == [status, channel] and not batch.gap
    assert seq.state is not None and seq.state.pts == 10  # the common pts is untouched


def test_a_calls_own_change_moves_its_sequence_and_applies_nothing() -> None:
    seq = Sequencer(state(pts=10), SELF)
    assert seq.feed(Affected(pts=12, pts_count=2, channel_id=None)).updates == []  # deleted two
    assert seq.state is not None and seq.state.pts == 12
    assert not seq.feed(types.UpdateShort(update=new_message(13), date=1)).gap  # the next fits
    assert not seq.feed(Affected(pts=13, pts_count=0, channel_id=None)).gap  # nothing changed
    gap = seq.feed(Affected(pts=16, pts_count=1, channel_id=None))  # 14 and 15 are missing
    assert gap.gap and gap.updates == [] and seq.state.pts == 13


def test_a_calls_own_change_in_a_channel_moves_that_channels_pts_only() -> None:
    seq = Sequencer(state(pts=10), SELF, ChannelPts({9: 500}))
    assert seq.feed(Affected(pts=501, pts_count=1, channel_id=9)).channel_gaps == set()
    assert seq.channels.get(9) == 501 and seq.state is not None and seq.state.pts == 10
    assert seq.feed(Affected(pts=501, pts_count=1, channel_id=9)).channel_gaps == set()  # already applied
    assert seq.feed(Affected(pts=504, pts_count=1, channel_id=9)).channel_gaps == {9}  # 502, 503 are missing
    assert seq.channels.get(9) == 501
    unknown = seq.feed(Affected(pts=70, pts_count=1, channel_id=8))  # a channel not followed stays so
    assert unknown.channel_gaps == set() and seq.channels.get(8) is None
