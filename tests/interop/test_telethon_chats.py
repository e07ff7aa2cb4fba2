"""Telethon's own calls for groups and channels against the sandbox, unmodified but for address and key: create a
group and a supergroup, get_participants (with search), send_message, iter_messages, get_dialogs, join by
username, leave; edit_message, delete_messages, iter_messages(search=, filter=pinned), pin_message and send_file
in a supergroup and a channel; join by invite link (a supergroup's and a basic group's: checkChatInvite, then
importChatInvite) and leave with delete_dialog; Telegram's refusals as Telethon's typed errors."""

from __future__ import annotations

import io
from typing import Any

import pytest
from telethon import errors as tl_errors
from telethon import functions as tl_functions
from telethon import types

from tgfleet.sandbox import Sandbox

from ..sandbox.media_helpers import png
from .helpers import bounded, telethon_client, telethon_login


async def _pair(tg: Sandbox) -> tuple[object, object, int, int]:
    alice = tg.add_user(phone="+15550190001", first_name="Alice", username="alice_tlc", dc=1)
    bob = tg.add_user(phone="+15550190002", first_name="Bob", username="bob_tlc", dc=1)
    a, b = telethon_client(tg, 1), telethon_client(tg, 1)
    await telethon_login(a, tg, alice.phone)
    await telethon_login(b, tg, bob.phone)
    return a, b, alice.id, bob.id


async def _supergroup(client: Any, title: str, about: str) -> Any:
    created = await bounded(
        client(tl_functions.channels.CreateChannelRequest(title=title, about=about, megagroup=True))
    )
    return created.chats[0]


async def test_basic_group_participants_messages_and_dialogs() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, alice_id, bob_id = await _pair(tg)
        created = await bounded(a(tl_functions.messages.CreateChatRequest(users=["bob_tlc"], title="TL group")))
        group = created.updates.chats[0]
        assert group.title == "TL group"
        await bounded(a.send_message(group, "hello group"))
        members = await bounded(a.get_participants(group))
        assert sorted(u.id for u in members) == sorted([alice_id, bob_id])
        dialogs = await bounded(b.get_dialogs())
        assert dialogs[0].entity.id == group.id and dialogs[0].message.text == "hello group"
        texts = [m.text async for m in b.iter_messages(dialogs[0].entity) if m.text]
        assert texts == ["hello group"]
        await bounded(b.send_message(dialogs[0].entity, "hello alice"))
        assert (await bounded(a.get_messages(group, limit=1)))[0].text == "hello alice"
        await a.disconnect()
        await b.disconnect()


async def test_supergroup_and_channel() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, alice_id, bob_id = await _pair(tg)
        room = await _supergroup(a, "TL room", "talk")
        await bounded(a(tl_functions.channels.InviteToChannelRequest(channel=room, users=["bob_tlc"])))
        for n in range(3):
            await bounded(a.send_message(room, f"post {n}"))
        assert sorted(u.id for u in await bounded(a.get_participants(room))) == sorted([alice_id, bob_id])
        assert [u.id for u in await bounded(a.get_participants(room, search="Bob"))] == [bob_id]
        dialogs = await bounded(b.get_dialogs())
        assert dialogs[0].entity.id == room.id and dialogs[0].message.text == "post 2"
        assert [m.text async for m in b.iter_messages(room.id, limit=3)] == ["post 2", "post 1", "post 0"]

        news = await bounded(a(tl_functions.channels.CreateChannelRequest(title="TL news", about="", broadcast=True)))
        channel = news.chats[0]
        assert await bounded(a(tl_functions.channels.UpdateUsernameRequest(channel=channel, username="tl_news")))
        await bounded(b(tl_functions.channels.JoinChannelRequest(channel="tl_news")))
        await bounded(a.send_message(channel, "breaking"))
        assert [m.text async for m in b.iter_messages("tl_news", limit=1)] == ["breaking"]
        with pytest.raises(tl_errors.ChatWriteForbiddenError):
            await bounded(b.send_message("tl_news", "may I?"))
        await bounded(b(tl_functions.channels.LeaveChannelRequest(channel="tl_news")))
        with pytest.raises(tl_errors.UserNotParticipantError):
            await bounded(b(tl_functions.channels.LeaveChannelRequest(channel="tl_news")))
        await a.disconnect()
        await b.disconnect()


async def test_edits_deletions_search_pins_and_files_in_a_supergroup_and_a_channel() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, _, _ = await _pair(tg)
        for megagroup in (True, False):
            kind = {"megagroup": True} if megagroup else {"broadcast": True}
            created = await bounded(a(tl_functions.channels.CreateChannelRequest(title="TL edits", about="", **kind)))
            room = created.chats[0]
            await bounded(a(tl_functions.channels.InviteToChannelRequest(channel=room, users=["bob_tlc"])))
            first = await bounded(a.send_message(room, "first draft"))
            theirs = next(d.entity for d in await bounded(b.get_dialogs()) if d.entity.id == room.id)
            edited = await bounded(a.edit_message(room, first, "first, final"))
            assert edited.text == "first, final" and edited.edit_date is not None
            seen = [m async for m in b.iter_messages(theirs, search="final")]
            assert [m.id for m in seen] == [first.id]
            with pytest.raises(tl_errors.MessageAuthorRequiredError):
                await bounded(b.edit_message(theirs, first.id, "his now"))
            with pytest.raises(tl_errors.MessageDeleteForbiddenError):
                await bounded(b.delete_messages(theirs, [first.id]))

            await bounded(a.pin_message(room, first))
            pinned = [m async for m in b.iter_messages(theirs, filter=types.InputMessagesFilterPinned())]
            assert [m.id for m in pinned] == [first.id]
            if not megagroup:
                with pytest.raises(tl_errors.ChatAdminRequiredError):
                    await bounded(b.pin_message(theirs, first.id))

            picture = io.BytesIO(png(120, 90))
            picture.name = "pic.png"  # Telethon sends an image as a photo by its name
            photo = await bounded(a.send_file(room, picture, caption="a picture"))
            got = (await bounded(b.get_messages(theirs, ids=[photo.id])))[0]
            assert got.photo is not None and got.text == "a picture"
            assert await bounded(b.download_media(got, file=bytes)) == png(120, 90)

            [affected] = await bounded(a.delete_messages(room, [first.id, photo.id]))
            assert affected.pts_count == 2
            assert [m.id async for m in b.iter_messages(theirs) if m.id in (first.id, photo.id)] == []
        await a.disconnect()
        await b.disconnect()


async def test_join_by_invite_link_and_leave_with_delete_dialog() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, alice_id, bob_id = await _pair(tg)
        club = await _supergroup(a, "TL club", "")
        await bounded(a.send_message(club, "members only"))
        invite = await bounded(a(tl_functions.messages.ExportChatInviteRequest(peer=club)))
        code = invite.link.rsplit("+", 1)[-1]
        preview = await bounded(b(tl_functions.messages.CheckChatInviteRequest(hash=code)))
        assert isinstance(preview, types.ChatInvite) and preview.title == "TL club" and preview.megagroup
        joined = await bounded(b(tl_functions.messages.ImportChatInviteRequest(hash=code)))
        assert [c.id for c in joined.updates.chats] == [club.id]  # messages.chatInviteJoinResultOk
        assert sorted(u.id for u in await bounded(a.get_participants(club))) == sorted([alice_id, bob_id])
        assert [m.text async for m in b.iter_messages(club.id) if m.text] == ["members only"]
        assert isinstance(
            await bounded(b(tl_functions.messages.CheckChatInviteRequest(hash=code))), types.ChatInviteAlready
        )
        with pytest.raises(tl_errors.UserAlreadyParticipantError):
            await bounded(b(tl_functions.messages.ImportChatInviteRequest(hash=code)))
        await bounded(b.delete_dialog(club.id))  # Telethon's leave: channels.leaveChannel
        assert [u.id for u in await bounded(a.get_participants(club))] == [alice_id]

        made = await bounded(a(tl_functions.messages.CreateChatRequest(users=["bob_tlc"], title="TL small")))
        small = made.updates.chats[0]
        small_invite = await bounded(a(tl_functions.messages.ExportChatInviteRequest(peer=small)))
        await bounded(b.delete_dialog(types.PeerChat(small.id)))  # messages.deleteChatUser, then its history
        assert [u.id for u in await bounded(a.get_participants(small))] == [alice_id]
        await bounded(b(tl_functions.messages.ImportChatInviteRequest(hash=small_invite.link.rsplit("+", 1)[-1])))
        assert sorted(u.id for u in await bounded(a.get_participants(small))) == sorted([alice_id, bob_id])
        await a.disconnect()
        await b.disconnect()
