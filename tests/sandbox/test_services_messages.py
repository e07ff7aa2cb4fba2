"""Private chats: sendMessage (errors, random_id de-dup, online delivery), users, usernames, history, dialogs."""

from __future__ import annotations

from dataclasses import dataclass

from tgfleet.sandbox.chats import MAX_MESSAGE_LENGTH
from tgfleet.sandbox.world import World
from tgfleet.tl import types
from tgfleet.tl.functions import contacts as f_contacts
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import users as f_users
from tgfleet.tl.types import contacts as t_contacts
from tgfleet.tl.types import messages as t_messages
from tgfleet.tl.types import users as t_users

from .world_helpers import Caller, Env, make_env


@dataclass
class Pair:
    env: Env
    alice: Caller
    alice_id: int
    bob: Caller
    bob_id: int

    @property
    def world(self) -> World:
        return self.env.world


async def two_users() -> Pair:
    env = make_env()
    alice = env.world.add_user("15550100001", "Alice", username="alice", dc=1)
    bob = env.world.add_user("15550100002", "Bob", username="bob_the_builder", dc=2)
    a, b = env.caller(1), env.caller(2)
    await a.login(alice.phone)
    await b.login(bob.phone)
    env.delivery.pushes.clear()
    return Pair(env, a, alice.id, b, bob.id)


def to_user(pair: Pair, target_id: int, viewer_id: int) -> types.InputPeerUser:
    return types.InputPeerUser(user_id=target_id, access_hash=pair.world.user(target_id).access_hash(viewer_id))


def send(peer: types.TypeInputPeer, text: str, random_id: int) -> f_messages.SendMessage:
    return f_messages.SendMessage(peer=peer, message=text, random_id=random_id)


def history(peer: types.TypeInputPeer, limit: int = 100, **kw: int) -> f_messages.GetHistory:
    args = {"offset_id": 0, "offset_date": 0, "add_offset": 0, "max_id": 0, "min_id": 0} | kw
    return f_messages.GetHistory(peer=peer, limit=limit, hash=0, **args)


async def test_resolve_username_gives_the_viewers_access_hash() -> None:
    pair = await two_users()
    resolved = await pair.alice(f_contacts.ResolveUsername(username="Bob_The_Builder"))
    assert isinstance(resolved, t_contacts.ResolvedPeer)
    assert resolved.peer == types.PeerUser(user_id=pair.bob_id) and resolved.chats == []
    [user] = resolved.users
    assert user.id == pair.bob_id and user.access_hash == pair.world.user(pair.bob_id).access_hash(pair.alice_id)
    assert user.phone is None and not user.is_self
    await pair.alice.fails(f_contacts.ResolveUsername(username="nobody_here"), "USERNAME_NOT_OCCUPIED", 400)
    for bad in ("ab", "1abcde", "bad name", "@alice"):
        await pair.alice.fails(f_contacts.ResolveUsername(username=bad), "USERNAME_INVALID", 400)


async def test_send_message_delivers_to_both_sides() -> None:
    pair = await two_users()
    laptop = pair.env.caller(1)
    await laptop.login(pair.world.user(pair.alice_id).phone)
    pair.env.delivery.pushes.clear()
    pair.env.clock.advance(5)
    result = await pair.alice(send(to_user(pair, pair.bob_id, pair.alice_id), "hello bob", 111))
    assert result == types.UpdateShortSentMessage(out=True, id=3, pts=4, pts_count=1, date=int(pair.env.clock.now))
    [to_bob] = pair.env.delivery.to(pair.bob_id)
    assert to_bob.except_auth_key_id is None and isinstance(to_bob.updates, types.Updates)
    [update] = to_bob.updates.updates
    assert isinstance(update, types.UpdateNewMessage) and isinstance(update.message, types.Message)
    assert (update.message.id, update.pts, update.message.out, update.message.from_id) == (2, 3, False, None)
    assert update.message.peer_id == types.PeerUser(user_id=pair.alice_id)
    alice_for_bob = next(u for u in to_bob.updates.users if u.id == pair.alice_id)
    assert alice_for_bob.access_hash == pair.world.user(pair.alice_id).access_hash(pair.bob_id)
    [to_alice] = pair.env.delivery.to(pair.alice_id)
    assert to_alice.except_auth_key_id == pair.alice.auth_key_id
    [mine] = to_alice.updates.updates
    assert mine.message.out and mine.message.id == 3 and mine.message.from_id == types.PeerUser(user_id=pair.alice_id)
    pair.env.delivery.pushes.clear()
    await pair.alice(send(to_user(pair, pair.bob_id, pair.alice_id), "again", 112))
    [short] = [p.updates for p in pair.env.delivery.to(pair.bob_id)]
    assert short == types.UpdateShortMessage(
        id=3, user_id=pair.alice_id, message="again", pts=4, pts_count=1, date=int(pair.env.clock.now)
    )
    [own] = [p.updates for p in pair.env.delivery.to(pair.alice_id)]
    assert isinstance(own, types.UpdateShortMessage) and own.out and own.user_id == pair.bob_id


async def test_random_id_deduplication() -> None:
    pair = await two_users()
    request = send(to_user(pair, pair.bob_id, pair.alice_id), "only once", -42)
    first = await pair.alice(request)
    pair.env.clock.advance(10)
    pushes = len(pair.env.delivery.pushes)
    again = await pair.alice(request)
    assert again == first
    assert len(pair.env.delivery.pushes) == pushes
    assert [m.text for m in pair.world.messages_of(pair.bob_id) if m.sender_id == pair.alice_id] == ["only once"]
    other = send(to_user(pair, pair.bob_id, pair.alice_id), "something else", -42)
    assert await pair.alice(other) == first  # the first call's message, as Telegram answers a used random_id
    assert [m.text for m in pair.world.messages_of(pair.bob_id) if m.sender_id == pair.alice_id] == ["only once"]
    to_self = await pair.alice(send(types.InputPeerSelf(), "same id, other peer", -42))
    assert isinstance(to_self, types.Updates) and to_self.updates[0].id != first.id  # its updateMessageID
    from_bob = await pair.bob(send(to_user(pair, pair.alice_id, pair.bob_id), "same id, other sender", -42))
    assert from_bob.id != 0


async def test_send_message_errors() -> None:
    pair = await two_users()
    carol = pair.world.add_user("15550100003", dc=1)
    bob_for_carol = types.InputPeerUser(
        user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(carol.id)
    )
    await pair.alice.fails(send(bob_for_carol, "hi", 1), "PEER_ID_INVALID", 400)
    await pair.alice.fails(send(types.InputPeerUser(user_id=123456789, access_hash=0), "hi", 2), "PEER_ID_INVALID")
    await pair.alice.fails(send(types.InputPeerEmpty(), "hi", 3), "PEER_ID_INVALID")
    await pair.alice.fails(send(types.InputPeerChat(chat_id=5), "hi", 4), "PEER_ID_INVALID")
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    await pair.alice.fails(send(peer, "", 5), "MESSAGE_EMPTY", 400)
    await pair.alice.fails(send(peer, " \n\t", 6), "MESSAGE_EMPTY", 400)
    await pair.alice.fails(send(peer, "x" * (MAX_MESSAGE_LENGTH + 1), 7), "MESSAGE_TOO_LONG", 400)
    await pair.alice.fails(send(peer, "😀" * 2049, 8), "MESSAGE_TOO_LONG")  # 2 UTF-16 units each
    await pair.alice(send(peer, "😀" * 2048, 9))
    await pair.alice(send(peer, "x" * MAX_MESSAGE_LENGTH, 10))
    assert len(pair.world.messages_of(pair.bob_id, pair.alice_id)) == 2


async def test_saved_messages() -> None:
    pair = await two_users()
    result = await pair.alice(send(types.InputPeerSelf(), "note", 1))
    assert isinstance(result, types.Updates)  # not the short form: Pyrogram reads the message from it
    sent_id, new = result.updates
    assert isinstance(sent_id, types.UpdateMessageID) and (sent_id.id, sent_id.random_id) == (2, 1)
    assert isinstance(new, types.UpdateNewMessage) and new.message.id == 2 and new.message.message == "note"
    [message] = pair.world.messages_of(pair.alice_id, pair.alice_id)
    assert message.out and message.peer_id == pair.alice_id
    [push] = pair.env.delivery.to(pair.alice_id)
    assert isinstance(push.updates, types.Updates)
    self_hash = pair.world.user(pair.alice_id).access_hash(pair.alice_id)
    await pair.alice(send(types.InputPeerUser(user_id=pair.alice_id, access_hash=self_hash), "note 2", 2))
    assert len(pair.world.messages_of(pair.alice_id, pair.alice_id)) == 2


async def test_users_are_resolved_with_the_viewers_hash_only() -> None:
    pair = await two_users()
    carol = pair.world.add_user("15550100003", dc=1)
    good = types.InputUser(user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(pair.alice_id))
    bad = types.InputUser(user_id=pair.bob_id, access_hash=pair.world.user(pair.bob_id).access_hash(carol.id))
    found = await pair.alice(f_users.GetUsers(id=[types.InputUserSelf(), good, bad, types.InputUserEmpty()]))
    assert [u.id for u in found] == [pair.alice_id, pair.bob_id]
    assert found[0].is_self and found[0].phone == "15550100001" and not found[1].is_self
    full = await pair.alice(f_users.GetFullUser(id=good))
    assert isinstance(full, t_users.UserFull) and full.full_user.id == pair.bob_id
    assert [u.id for u in full.users] == [pair.bob_id]
    await pair.alice.fails(f_users.GetFullUser(id=bad), "USER_ID_INVALID", 400)
    me = await pair.alice(f_users.GetFullUser(id=types.InputUserSelf()))
    assert me.users[0].is_self


async def test_history_paging() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    for n in range(30):
        pair.env.clock.advance(1)
        await pair.alice(send(peer, f"m{n}", 1000 + n))
    everything = await pair.alice(history(peer))
    assert isinstance(everything, t_messages.Messages) and len(everything.messages) == 30
    assert [m.message for m in everything.messages[:2]] == ["m29", "m28"]
    assert {u.id for u in everything.users} == {pair.alice_id, pair.bob_id}
    page = await pair.alice(history(peer, limit=10))
    assert isinstance(page, t_messages.MessagesSlice) and page.count == 30
    ids = [m.id for m in page.messages]
    assert ids == list(range(31, 21, -1))
    older = await pair.alice(history(peer, limit=10, offset_id=ids[-1]))
    assert [m.id for m in older.messages] == list(range(21, 11, -1))
    around = await pair.alice(history(peer, limit=4, offset_id=15, add_offset=-2))
    assert [m.id for m in around.messages] == [16, 15, 14, 13]
    bounded = await pair.alice(history(peer, min_id=25, max_id=29))
    assert [m.id for m in bounded.messages] == [28, 27, 26]
    by_date = await pair.alice(history(peer, limit=3, offset_date=int(pair.env.clock.now)))
    assert [m.message for m in by_date.messages] == ["m28", "m27", "m26"]
    bob_side = await pair.bob(history(to_user(pair, pair.alice_id, pair.bob_id), limit=1))
    assert bob_side.count == 30 and bob_side.messages[0].id == 31 and not bob_side.messages[0].out


async def test_dialogs() -> None:
    pair = await two_users()
    carol = pair.world.add_user("15550100003", "Carol", dc=1)
    pair.world.send_message(carol.id, pair.alice_id, "hi from carol")
    await pair.alice(send(to_user(pair, pair.bob_id, pair.alice_id), "hi bob", 1))
    request = f_messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=100, hash=0)
    dialogs = await pair.alice(request)
    assert isinstance(dialogs, t_messages.Dialogs)
    peers = [d.peer.user_id for d in dialogs.dialogs]
    assert peers == [pair.bob_id, carol.id, 777000]
    assert [d.unread_count for d in dialogs.dialogs] == [0, 1, 1]
    assert [m.message for m in dialogs.messages][:2] == ["hi bob", "hi from carol"]
    assert {u.id for u in dialogs.users} >= {pair.bob_id, carol.id, 777000}
    first = await pair.alice(
        f_messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=1, hash=0)
    )
    assert isinstance(first, t_messages.DialogsSlice) and first.count == 3
    rest = await pair.alice(
        f_messages.GetDialogs(
            offset_date=0, offset_id=first.dialogs[0].top_message, offset_peer=types.InputPeerEmpty(), limit=5, hash=0
        )
    )
    assert [d.peer.user_id for d in rest.dialogs] == [carol.id, 777000]
    archive = await pair.alice(
        f_messages.GetDialogs(
            folder_id=1, offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=5, hash=0
        )
    )
    assert archive.dialogs == []
