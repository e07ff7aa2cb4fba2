"""Groups and channels at the world's level (a fake clock, recorded pushes): a channel's pushes carry its own pts in
sequence and skip the sender's calling key, a repeated random_id makes nothing new, getChannelDifference (empty,
sliced, too long, a bad pts), slow mode counted by the clock, and the refusals of creating, managing and reading."""

from __future__ import annotations

from tgfleet.sandbox.services.channels import MAX_JOINED
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

from .test_services_messages import Pair, history, send, two_users
from .world_helpers import make_env


async def supergroup(pair: Pair, *, megagroup: bool = True) -> tuple[types.InputPeerChannel, types.InputPeerChannel]:
    """A supergroup (or broadcast channel) of Alice with Bob in it: its input peer for Alice and for Bob."""
    created = await pair.alice(f_channels.CreateChannel(title="Room", about="", megagroup=megagroup))
    channel = created.chats[0]
    mine = types.InputChannel(channel_id=channel.id, access_hash=channel.access_hash)
    bob = types.InputUser(user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(pair.alice_id))
    await pair.alice(f_channels.InviteToChannel(channel=mine, users=[bob]))
    pushed = [p.updates for p in pair.env.delivery.to(pair.bob_id) if isinstance(p.updates, types.Updates)]
    seen = next(c for u in pushed for c in u.chats if isinstance(c, types.Channel))
    alice_peer = types.InputPeerChannel(channel_id=channel.id, access_hash=channel.access_hash)
    return alice_peer, types.InputPeerChannel(channel_id=channel.id, access_hash=seen.access_hash)


def as_channel(peer: types.InputPeerChannel) -> types.InputChannel:
    return types.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)


def difference(peer: types.InputPeerChannel, pts: int, limit: int = 100) -> f_updates.GetChannelDifference:
    return f_updates.GetChannelDifference(
        channel=as_channel(peer), filter=types.ChannelMessagesFilterEmpty(), pts=pts, limit=limit
    )


async def test_channel_pushes_carry_the_channels_pts_and_a_repeat_makes_nothing() -> None:
    pair = await two_users()
    mine, _ = await supergroup(pair)
    pair.env.delivery.pushes.clear()
    first = await pair.alice(send(mine, "one", 1))
    await pair.alice(send(mine, "two", 2))
    again = await pair.alice(send(mine, "one, once more", 1))  # the same random_id: the first message
    assert again.updates[1].message.id == first.updates[1].message.id
    to_bob = [p.updates.updates[0] for p in pair.env.delivery.to(pair.bob_id)]
    assert [type(u) for u in to_bob] == [types.UpdateNewChannelMessage] * 2
    assert [u.message.message for u in to_bob] == ["one", "two"]
    assert to_bob[1].pts == to_bob[0].pts + 1 and to_bob[0].message.from_id == types.PeerUser(user_id=pair.alice_id)
    to_alice = pair.env.delivery.to(pair.alice_id)
    assert all(p.except_auth_key_id == pair.alice.auth_key_id for p in to_alice)  # her calling key has its answer


async def test_get_channel_difference_empty_sliced_too_long_and_refused() -> None:
    pair = await two_users()
    pair.world.difference_limit, pair.world.difference_too_long = 3, 8
    mine, bobs = await supergroup(pair)
    start = (await pair.bob(f_channels.GetFullChannel(channel=as_channel(bobs)))).full_chat.pts
    empty = await pair.bob(difference(bobs, start))
    assert isinstance(empty, t_updates.ChannelDifferenceEmpty) and empty.pts == start and empty.final
    for i in range(5):
        await pair.alice(send(mine, f"m{i}", 10 + i))
    part = await pair.bob(difference(bobs, start))
    assert isinstance(part, t_updates.ChannelDifference) and not part.final
    assert [m.message for m in part.new_messages] == ["m0", "m1", "m2"] and part.pts == start + 3
    rest = await pair.bob(difference(bobs, part.pts))
    assert [m.message for m in rest.new_messages] == ["m3", "m4"] and rest.final and rest.pts == start + 5
    for i in range(5, 10):
        await pair.alice(send(mine, f"m{i}", 10 + i))
    too_long = await pair.bob(difference(bobs, start))
    assert isinstance(too_long, t_updates.ChannelDifferenceTooLong) and too_long.dialog.pts == start + 10
    assert too_long.messages[0].message == "m9"
    await pair.bob.fails(difference(bobs, start + 11), "PERSISTENT_TIMESTAMP_INVALID", 400)
    wrong = types.InputPeerChannel(channel_id=mine.channel_id, access_hash=mine.access_hash)  # Alice's hash
    await pair.bob.fails(history(wrong), "CHANNEL_INVALID", 400)


async def test_slow_mode_waits_by_the_clock_and_spares_admins() -> None:
    pair = await two_users()
    mine, bobs = await supergroup(pair)
    await pair.alice.fails(f_channels.ToggleSlowMode(channel=as_channel(mine), seconds=45), "SECONDS_INVALID", 400)
    await pair.bob.fails(f_channels.ToggleSlowMode(channel=as_channel(bobs), seconds=60), "CHAT_ADMIN_REQUIRED", 400)
    await pair.alice(f_channels.ToggleSlowMode(channel=as_channel(mine), seconds=60))
    await pair.bob(send(bobs, "one", 1))
    pair.env.clock.advance(20)
    failed = await pair.bob.fails(send(bobs, "two", 2), "SLOWMODE_WAIT_40", 420)
    assert failed.value == 40
    await pair.alice(send(mine, "admins are not slowed", 3))
    pair.env.clock.advance(40)
    await pair.bob(send(bobs, "two", 2))


async def test_refusals_of_creating_managing_and_posting() -> None:
    pair = await two_users()
    await pair.alice.fails(f_messages.CreateChat(users=[], title="Alone"), "USERS_TOO_FEW", 400)
    bob = types.InputUser(user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(pair.alice_id))
    await pair.alice.fails(f_messages.CreateChat(users=[bob], title="  "), "CHAT_TITLE_EMPTY", 400)
    mine, bobs = await supergroup(pair, megagroup=False)
    await pair.bob.fails(send(bobs, "a reader may not post", 1), "CHAT_WRITE_FORBIDDEN", 403)
    await pair.alice.fails(f_channels.LeaveChannel(channel=as_channel(mine)), "USER_CREATOR", 400)
    await pair.alice.fails(f_channels.UpdateUsername(channel=as_channel(mine), username="alice"), "USERNAME_OCCUPIED")
    some = types.ChatAdminRights(add_admins=True, post_messages=True)
    await pair.alice(f_channels.EditAdmin(channel=as_channel(mine), user_id=bob, admin_rights=some, rank="editor"))
    alice = types.InputUser(user_id=pair.alice_id, access_hash=pair.world.user(pair.alice_id).access_hash(pair.bob_id))
    await pair.bob.fails(
        f_channels.EditAdmin(channel=as_channel(bobs), user_id=alice, admin_rights=some, rank=None), "USER_CREATOR"
    )
    assert (await pair.bob(send(bobs, "an editor may post", 2))).updates[1].message.post
    listed = f_channels.GetParticipants(
        channel=as_channel(bobs), filter=types.ChannelParticipantsRecent(), offset=0, limit=10, hash=0
    )
    assert (await pair.bob(listed)).count == 2  # any admin lists a channel's members
    await pair.alice(f_messages.EditChatAbout(peer=mine, about="news"))
    await pair.alice.fails(f_messages.EditChatAbout(peer=mine, about="news"), "CHAT_ABOUT_NOT_MODIFIED", 400)
    await pair.bob.fails(f_channels.DeleteChannel(channel=as_channel(bobs)), "CHAT_ADMIN_REQUIRED", 400)


async def test_an_admin_grants_only_rights_he_has() -> None:
    env = make_env()
    users = [env.world.add_user(f"1555020000{i}", f"U{i}", dc=1) for i in range(3)]
    callers = [env.caller(1) for _ in users]
    for caller, user in zip(callers, users, strict=True):
        await caller.login(user.phone)
    owner, admin, member = callers
    pair = Pair(env, owner, users[0].id, admin, users[1].id)
    mine, admins = await supergroup(pair)
    third = types.InputUser(user_id=users[2].id, access_hash=users[2].access_hash(users[0].id))
    await owner(f_channels.InviteToChannel(channel=as_channel(mine), users=[third]))
    second = types.InputUser(user_id=users[1].id, access_hash=users[1].access_hash(users[0].id))
    await owner(f_channels.EditAdmin(channel=as_channel(mine), user_id=second,
                                     admin_rights=types.ChatAdminRights(add_admins=True), rank=None))  # fmt: skip
    by_admin = types.InputUser(user_id=users[2].id, access_hash=users[2].access_hash(users[1].id))
    await admin.fails(
        f_channels.EditAdmin(channel=as_channel(admins), user_id=by_admin,
                             admin_rights=types.ChatAdminRights(ban_users=True), rank=None),
        "RIGHT_FORBIDDEN", 403,
    )  # fmt: skip
    await member.fails(send(admins, "x", 1), "CHANNEL_INVALID", 400)  # the admin's access hash is not hers


async def test_an_account_is_in_at_most_500_channels() -> None:
    pair = await two_users()
    for n in range(MAX_JOINED):
        await pair.alice(f_channels.CreateChannel(title=f"C{n}", about="", broadcast=True))
    await pair.alice.fails(f_channels.CreateChannel(title="one more", about="", broadcast=True), "CHANNELS_TOO_MUCH")
    created = await pair.bob(f_channels.CreateChannel(title="Bob's", about="", megagroup=True))
    channel = types.InputChannel(channel_id=created.chats[0].id, access_hash=created.chats[0].access_hash)
    alice = types.InputUser(user_id=pair.alice_id, access_hash=pair.world.user(pair.alice_id).access_hash(pair.bob_id))
    await pair.bob.fails(f_channels.InviteToChannel(channel=channel, users=[alice]), "USER_CHANNELS_TOO_MUCH")
