"""Edits, deletions, read marks and pins of private messages at the world's level (a fake clock): the 48-hour edit
limit, and getDifference replaying every change in pts order as the pushes carried them."""

from __future__ import annotations

from tgfleet.sandbox.services.changes import EDIT_TIME_LIMIT
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import messages as t_messages
from tgfleet.tl.types import updates as t_updates

from .test_services_messages import send, to_user, two_users


def edit(peer: types.TypeInputPeer, message_id: int, text: str) -> f_messages.EditMessage:
    return f_messages.EditMessage(peer=peer, id=message_id, message=text)


async def test_an_edit_is_refused_after_48_hours_except_in_saved_messages() -> None:
    pair = await two_users()
    bob = to_user(pair, pair.bob_id, pair.alice_id)
    sent = await pair.alice(send(bob, "old", 1))
    saved = await pair.alice(send(types.InputPeerSelf(), "note", 2))
    saved_id = next(u.id for u in saved.updates if isinstance(u, types.UpdateMessageID))
    pair.env.clock.advance(EDIT_TIME_LIMIT - 1)
    await pair.alice(edit(bob, sent.id, "still in time"))
    pair.env.clock.advance(2)
    await pair.alice.fails(edit(bob, sent.id, "too late"), "MESSAGE_EDIT_TIME_EXPIRED", 400)
    answer = await pair.alice(edit(types.InputPeerSelf(), saved_id, "a note can always change"))
    assert isinstance(answer.updates[0], types.UpdateEditMessage)
    await pair.alice.fails(edit(bob, 999, "x"), "MESSAGE_ID_INVALID", 400)
    await pair.alice.fails(edit(bob, sent.id, "   "), "MESSAGE_EMPTY", 400)


async def test_get_difference_replays_edits_deletions_reads_and_pins() -> None:
    pair = await two_users()
    alice = to_user(pair, pair.alice_id, pair.bob_id)
    bob = to_user(pair, pair.bob_id, pair.alice_id)
    start = (await pair.bob(f_updates.GetState())).pts
    first = await pair.alice(send(bob, "one", 1))
    second = await pair.alice(send(bob, "two", 2))
    await pair.alice(edit(bob, second.id, "two, edited"))
    bob_ids = [m.id for m in pair.world.messages_of(pair.bob_id, pair.alice_id)]
    read = await pair.bob(f_messages.ReadHistory(peer=alice, max_id=0))
    assert isinstance(read, t_messages.AffectedMessages) and read.pts_count == 1
    await pair.alice(f_messages.UpdatePinnedMessage(peer=bob, id=first.id))
    deleted = await pair.alice(f_messages.DeleteMessages(id=[first.id], revoke=True))
    assert deleted.pts_count == 1
    diff = await pair.bob(f_updates.GetDifference(pts=start, date=0, qts=0))
    assert isinstance(diff, t_updates.Difference)
    assert [m.message for m in diff.new_messages] == ["two, edited"]  # as it is now; "one" is deleted since
    kinds = [type(u).__name__ for u in diff.other_updates]
    assert kinds == ["UpdateEditMessage", "UpdateReadHistoryInbox", "UpdatePinnedMessages", "UpdateDeleteMessages"]
    assert diff.other_updates[-1].messages == [bob_ids[0]]
    pts = [u.pts for u in diff.other_updates]
    assert pts == sorted(pts) and diff.state.pts == pts[-1]
    alice_diff = await pair.alice(f_updates.GetDifference(pts=start, date=0, qts=0))
    assert any(isinstance(u, types.UpdateReadHistoryOutbox) for u in alice_diff.other_updates)


async def test_pinned_dialogs_come_first_and_are_bounded() -> None:
    pair = await two_users()
    bob = to_user(pair, pair.bob_id, pair.alice_id)
    await pair.alice(send(bob, "hi", 1))
    await pair.alice(send(types.InputPeerSelf(), "note", 2))  # the newest dialog
    pin = f_messages.ToggleDialogPin(pinned=True, peer=types.InputDialogPeer(peer=bob))
    assert await pair.alice(pin) is True
    dialogs = await pair.alice(
        f_messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=10, hash=0)
    )
    found = [(d.peer.user_id, d.pinned) for d in dialogs.dialogs]
    assert found[:2] == [(pair.bob_id, True), (pair.alice_id, False)]  # then the login codes' chat
    unpin = f_messages.ToggleDialogPin(pinned=False, peer=types.InputDialogPeer(peer=bob))
    assert await pair.alice(unpin) is True
    dialogs = await pair.alice(
        f_messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=10, hash=0)
    )
    assert [d.peer.user_id for d in dialogs.dialogs][:2] == [pair.alice_id, pair.bob_id]
    stranger = types.InputDialogPeer(peer=types.InputPeerUser(user_id=123, access_hash=4))
    await pair.alice.fails(f_messages.ToggleDialogPin(pinned=True, peer=stranger), "PEER_ID_INVALID", 400)


async def test_at_most_five_pinned_dialogs() -> None:
    pair = await two_users()
    peers = []
    for n in range(6):
        other = pair.world.add_user(f"1555019000{n}", f"User{n}", dc=1)
        pair.world.send_message(other.id, pair.alice_id, "hello")
        peers.append(to_user(pair, other.id, pair.alice_id))
    for peer in peers[:5]:
        assert await pair.alice(f_messages.ToggleDialogPin(pinned=True, peer=types.InputDialogPeer(peer=peer)))
    sixth = f_messages.ToggleDialogPin(pinned=True, peer=types.InputDialogPeer(peer=peers[5]))
    await pair.alice.fails(sixth, "PINNED_DIALOGS_TOO_MUCH", 400)
    pinned = await pair.alice(f_messages.GetPinnedDialogs(folder_id=0))
    assert [d.peer.user_id for d in pinned.dialogs] == [p.user_id for p in reversed(peers[:5])]  # last pinned first
