"""Changes to the messages of channels and basic groups at the world's level (a fake clock, recorded pushes): a
channel's edits, deletions and pins are pts events of its own box, pushed with it and replayed by
getChannelDifference in order; a basic group's are applied to every member's copy, each box on its own pts, and
getDifference names the group in its read and pin updates; the refusals (MESSAGE_DELETE_FORBIDDEN,
MESSAGE_AUTHOR_REQUIRED, CHAT_ADMIN_REQUIRED, MESSAGE_EDIT_TIME_EXPIRED, MESSAGE_IDS_EMPTY, LIMIT_INVALID)."""

from __future__ import annotations

from tgfleet.sandbox.services.changes import EDIT_TIME_LIMIT
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

from .test_services_channels import as_channel, difference, supergroup
from .test_services_messages import history, send, two_users


def edit(peer: types.TypeInputPeer, message_id: int, text: str) -> f_messages.EditMessage:
    return f_messages.EditMessage(peer=peer, id=message_id, message=text)


def pin(peer: types.TypeInputPeer, message_id: int, *, unpin: bool = False) -> f_messages.UpdatePinnedMessage:
    return f_messages.UpdatePinnedMessage(peer=peer, id=message_id, unpin=unpin)


async def test_a_channels_changes_are_its_pts_events_pushed_and_replayed_in_order() -> None:
    pair = await two_users()
    mine, bobs = await supergroup(pair)
    sent = await pair.alice(send(mine, "draft", 1))
    message_id, start = sent.updates[1].message.id, sent.updates[1].pts
    pair.env.delivery.pushes.clear()
    edited = await pair.alice(edit(mine, message_id, "final"))
    assert isinstance(edited.updates[0], types.UpdateEditChannelMessage) and edited.updates[0].pts == start + 1
    await pair.alice(pin(mine, message_id))
    gone = await pair.alice(f_channels.DeleteMessages(channel=as_channel(mine), id=[message_id, 999]))
    assert (gone.pts, gone.pts_count) == (start + 3, 1)  # the id not there is skipped

    pushed = [p.updates.updates[0] for p in pair.env.delivery.to(pair.bob_id)]
    kinds = [types.UpdateEditChannelMessage, types.UpdatePinnedChannelMessages, types.UpdateDeleteChannelMessages]
    assert [type(u) for u in pushed] == kinds and [u.pts for u in pushed] == [start + 1, start + 2, start + 3]
    replay = await pair.bob(difference(bobs, start))
    assert isinstance(replay, t_updates.ChannelDifference) and replay.pts == start + 3 and replay.final
    assert [type(u) for u in replay.other_updates] == kinds[1:]  # the edited message is gone: no edit replayed
    assert replay.other_updates[1].messages == [message_id]
    assert (await pair.bob(difference(bobs, start + 3))).pts == start + 3
    read = await pair.bob(f_messages.ReadHistory(peer=bobs, max_id=0))
    assert (read.pts, read.pts_count) == (start + 3, 0)  # the sequence of the chat it names: the channel's, unmoved


async def test_a_channels_refusals() -> None:
    pair = await two_users()
    mine, bobs = await supergroup(pair, megagroup=False)  # a broadcast channel: Bob only reads
    post = (await pair.alice(send(mine, "post", 1))).updates[1].message.id
    await pair.bob.fails(edit(bobs, post, "mine now"), "MESSAGE_AUTHOR_REQUIRED", 403)
    await pair.bob.fails(f_channels.DeleteMessages(channel=as_channel(bobs), id=[post]), "MESSAGE_DELETE_FORBIDDEN")
    await pair.bob.fails(pin(bobs, post), "CHAT_ADMIN_REQUIRED", 400)
    await pair.alice.fails(f_channels.DeleteMessages(channel=as_channel(mine), id=[]), "MESSAGE_IDS_EMPTY")
    await pair.alice.fails(f_channels.DeleteMessages(channel=as_channel(mine), id=list(range(1, 102))), "LIMIT_INVALID")
    await pair.alice.fails(edit(mine, 999, "nothing"), "MESSAGE_ID_INVALID", 400)
    pair.env.clock.advance(EDIT_TIME_LIMIT + 1)
    assert await pair.alice(edit(mine, post, "the creator edits posts at any age"))  # she has edit_messages


async def test_a_basic_groups_changes_reach_every_copy_on_each_members_pts() -> None:
    pair = await two_users()
    bob = types.InputUser(user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(pair.alice_id))
    created = await pair.alice(f_messages.CreateChat(users=[bob], title="Pair"))
    group = types.InputPeerChat(chat_id=created.updates.chats[0].id)
    await pair.alice(send(group, "hers", 1))
    state = await pair.bob(f_updates.GetState())
    his = await pair.bob(send(group, "his", 2))
    pair.env.delivery.pushes.clear()

    await pair.bob(edit(group, his.id, "his, edited"))
    [alices_edit] = [p.updates.updates[0] for p in pair.env.delivery.to(pair.alice_id)]
    assert isinstance(alices_edit, types.UpdateEditMessage) and alices_edit.message.message == "his, edited"
    await pair.alice.fails(edit(group, alices_edit.message.id, "hers now"), "MESSAGE_AUTHOR_REQUIRED", 403)
    await pair.alice(pin(group, alices_edit.message.id))
    await pair.bob(f_messages.ReadHistory(peer=group, max_id=0))
    replay = await pair.bob(f_updates.GetDifference(pts=state.pts, date=state.date, qts=0))
    pinned = [u for u in replay.other_updates if isinstance(u, types.UpdatePinnedMessages)]
    read = [u for u in replay.other_updates if isinstance(u, types.UpdateReadHistoryInbox)]
    assert [u.messages for u in pinned] == [[his.id]] and pinned[0].peer == types.PeerChat(chat_id=group.chat_id)
    assert read[0].peer == types.PeerChat(chat_id=group.chat_id)

    bobs_history = (await pair.bob(history(group))).messages
    hers_copy = next(m.id for m in bobs_history if getattr(m, "message", "") == "hers")
    await pair.bob.fails(f_messages.DeleteMessages(id=[hers_copy], revoke=True), "MESSAGE_DELETE_FORBIDDEN", 403)
    mine = await pair.alice(f_messages.DeleteMessages(id=[alices_edit.message.id], revoke=True))
    assert mine.pts_count == 1  # the creator revokes his message: Bob's copy goes too
    bobs_copies = await pair.bob(f_messages.GetMessages(id=[types.InputMessageID(id=his.id)]))
    assert isinstance(bobs_copies.messages[0], types.MessageEmpty)
