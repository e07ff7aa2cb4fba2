"""The archive, unread marks, send-as and common chats end to end through the sandbox: archive_chats /
unarchive_chats (get_dialogs by folder, Dialog.folder_id, pinned in the archive, the other session told, and a
session that was away told by getDifference),
mark_chat_unread (Dialog.unread_mark, cleared by read_chat_history), get_send_as_chats, get_common_chats; each
refusal as its typed error (PeerIdInvalid, FolderIdInvalid, ChannelPrivate, UserIdInvalid)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tgfleet import Client, errors
from tgfleet.net.timeouts import within
from tgfleet.tl import functions, types
from tgfleet.types import Dialog

from .chat_pair import chat_pair
from .helpers import logged_in, login, make_client

PROMPTLY = 10.0


async def _dialogs(client: Client, from_archive: bool | None = None) -> dict[int, Dialog]:
    return {d.chat.id: d async for d in client.get_dialogs(from_archive=from_archive)}


async def _pin(client: Client, chat_id: int) -> None:
    peer = types.InputDialogPeer(peer=await client.resolve_peer(chat_id))
    await client.invoke(functions.messages.ToggleDialogPin(pinned=True, peer=peer))


async def test_archived_chats_leave_the_main_list_and_come_back() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Old friends", p.bob_id)
        await p.alice.send_message(p.bob_id, "hi")
        await _pin(p.alice, p.bob_id)
        second = await logged_in(p.tg, p.tg.world.user(p.alice_id).phone, "alice-2")
        told: asyncio.Future[object] = asyncio.get_running_loop().create_future()

        @second.on_raw_update()
        def on_raw(_: Client, update: object, users: object, chats: object) -> None:
            if isinstance(update, types.UpdateFolderPeers) and not told.done():
                told.set_result(update)

        try:
            assert await p.alice.archive_chats([p.bob_id, group.id]) is True
            archived = await _dialogs(p.alice, from_archive=True)
            assert set(archived) == {p.bob_id, group.id}
            assert all(d.folder_id == 1 for d in archived.values())
            assert not archived[p.bob_id].is_pinned  # it left the main list's pins
            main = await _dialogs(p.alice, from_archive=False)
            assert p.bob_id not in main and group.id not in main and main  # the login codes' chat stays
            everything = await _dialogs(p.alice)
            assert {p.bob_id, group.id} <= set(everything) and everything[p.bob_id].folder_id == 1
            moved = await within(told, PROMPTLY)
            assert {f.folder_id for f in moved.folder_peers} == {1}  # type: ignore[attr-defined]

            await _pin(p.alice, p.bob_id)  # pinned in the archive
            assert (await _dialogs(p.alice, from_archive=True))[p.bob_id].is_pinned
            assert await p.alice.get_dialogs_count(pinned_only=True, from_archive=True) == 1
            assert await p.alice.get_dialogs_count(pinned_only=True, from_archive=False) == 0

            assert await p.alice.unarchive_chats(group.id) is True
            assert set(await _dialogs(p.alice, from_archive=True)) == {p.bob_id}
            assert (await _dialogs(p.alice, from_archive=False))[group.id].folder_id is None
        finally:
            await second.disconnect()


async def test_a_session_that_was_away_learns_of_the_archive_from_get_difference(tmp_path: Path) -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Old friends", p.bob_id)
        await p.alice.send_message(p.bob_id, "hi")
        phone = p.tg.world.user(p.alice_id).phone
        away = make_client(p.tg, "alice-away", in_memory=False, workdir=tmp_path)
        await away.connect()
        await login(away, p.tg, phone)
        await away.get_dialogs_count()  # it knows its dialogs, then goes away
        await away.disconnect()

        assert await p.alice.archive_chats([p.bob_id, group.id]) is True
        assert await p.alice.unarchive_chats(p.bob_id) is True

        back = make_client(p.tg, "alice-away", in_memory=False, workdir=tmp_path)
        moves: asyncio.Queue[tuple[types.UpdateFolderPeers, dict[int, Any]]] = asyncio.Queue()

        @back.on_raw_update()
        def on_raw(_: Client, update: object, users: object, chats: Any) -> None:
            if isinstance(update, types.UpdateFolderPeers):
                moves.put_nowait((update, chats))

        assert await back.connect()  # logged in from the saved session; catches up by getDifference
        try:
            archived, chats = await within(moves.get(), PROMPTLY)
            assert {(_peer_id(f.peer), f.folder_id) for f in archived.folder_peers} == {
                (p.bob_id, 1), (group.id, 1)
            }  # fmt: skip
            assert -group.id in chats  # the group moved is in the difference's chats
            unarchived, _ = await within(moves.get(), PROMPTLY)
            assert [(_peer_id(f.peer), f.folder_id) for f in unarchived.folder_peers] == [(p.bob_id, 0)]
            assert unarchived.pts == archived.pts + 1 and unarchived.pts_count == 1
            assert set(await _dialogs(back, from_archive=True)) == {group.id}
        finally:
            await back.disconnect()


def _peer_id(peer: Any) -> int:
    return int(getattr(peer, "user_id", None) or -getattr(peer, "chat_id", 0))


async def test_archiving_refuses_a_peer_without_a_dialog_and_an_unknown_folder() -> None:
    async with chat_pair() as p:
        with pytest.raises(errors.PeerIdInvalid):  # Alice knows Bob but they never wrote
            await p.alice.archive_chats(p.bob_id)
        await p.alice.send_message(p.bob_id, "hi")
        peer = types.InputFolderPeer(peer=await p.alice.resolve_peer(p.bob_id), folder_id=2)
        with pytest.raises(errors.FolderIdInvalid):
            await p.alice.invoke(functions.folders.EditPeerFolders(folder_peers=[peer]))
        assert await _dialogs(p.alice, from_archive=True) == {}


async def test_an_unread_mark_stays_until_the_chat_is_read() -> None:
    async with chat_pair() as p:
        await p.bob.send_message(p.alice_id, "read me later")
        channel = await p.alice.create_channel("News")
        await p.alice.send_message(channel.id, "first post")
        assert await p.alice.read_chat_history(p.bob_id)
        assert not (await _dialogs(p.alice))[p.bob_id].unread_mark
        assert await p.alice.mark_chat_unread(p.bob_id) is True
        assert await p.alice.mark_chat_unread(channel.id) is True
        dialogs = await _dialogs(p.alice)
        assert dialogs[p.bob_id].unread_mark and dialogs[channel.id].unread_mark
        assert not (await _dialogs(p.bob))[p.alice_id].unread_mark  # Alice's mark, not Bob's
        marks = await p.alice.invoke(functions.messages.GetDialogUnreadMarks())
        assert len(marks) == 2

        assert await p.alice.read_chat_history(p.bob_id)  # nothing new to read: the mark still goes
        read = functions.channels.ReadHistory(channel=await p.alice.resolve_peer(channel.id), max_id=0)
        assert await p.alice.invoke(read)  # (read_chat_history sends messages.readHistory for a channel too)
        dialogs = await _dialogs(p.alice)
        assert not dialogs[p.bob_id].unread_mark and not dialogs[channel.id].unread_mark
        carol = p.tg.add_user(phone="+15550190001", first_name="Carol", username="carol_folders", dc=1)
        await p.alice.resolve_peer("@carol_folders")
        with pytest.raises(errors.PeerIdInvalid):
            await p.alice.mark_chat_unread(carol.id)


async def test_send_as_chats_in_a_supergroup() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_supergroup("Speakers")
        await p.alice.add_chat_members(group.id, p.bob_id)
        own = await p.alice.create_channel("Alice's channel")
        await p.alice.create_supergroup("Not a channel")  # a supergroup is no one to speak as
        assert [c.id for c in await p.alice.get_send_as_chats(group.id)] == [p.alice_id, group.id, own.id]
        assert [c.id for c in await p.bob.get_send_as_chats(group.id)] == [p.bob_id]
        basic = await p.alice.create_group("Basic", p.bob_id)
        with pytest.raises(errors.PeerIdInvalid):
            await p.alice.get_send_as_chats(basic.id)
        await p.bob.leave_chat(group.id)
        with pytest.raises(errors.ChannelPrivate):  # a private supergroup he left
            await p.bob.get_send_as_chats(group.id)


async def test_common_chats_are_the_groups_both_are_in() -> None:
    async with chat_pair() as p:
        basic = await p.alice.create_group("Both basic", p.bob_id)
        await p.alice.create_group("Also Bob's", p.bob_id)
        super_ = await p.alice.create_supergroup("Both super")
        await p.alice.add_chat_members(super_.id, p.bob_id)
        channel = await p.alice.create_channel("Broadcast")
        await p.alice.add_chat_members(channel.id, p.bob_id)  # a channel is not a group in common
        await p.alice.create_supergroup("Alice alone")
        common = await p.bob.get_common_chats(p.alice_id)
        ids = {c.id for c in common}
        assert basic.id in ids and super_.id in ids and channel.id not in ids and len(ids) == 3
        assert {c.id for c in await p.alice.get_common_chats(p.bob_id)} == ids
        await p.bob.leave_chat(basic.id)
        assert basic.id not in {c.id for c in await p.alice.get_common_chats(p.bob_id)}
        with pytest.raises(ValueError):
            await p.alice.get_common_chats(basic.id)
        with pytest.raises(errors.UserIdInvalid):
            await p.alice.invoke(
                functions.messages.GetCommonChats(
                    user_id=types.InputUser(user_id=p.bob_id, access_hash=1), max_id=0, limit=10
                )
            )
