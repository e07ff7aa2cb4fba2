"""Join requests end to end through the sandbox: a link made with ``creates_join_request``, joining by it
(INVITE_REQUEST_SENT, asked once however often), the admins told (``updatePendingJoinRequests``, a bot admin's
``on_chat_join_request``), the requests listed (``get_chat_join_requests``, paged, by query), approved (the user
becomes a member, ``messageActionChatJoinedByRequest``) or declined, one by one or all at once, in a supergroup and
a basic group; the full chat counting the waiting requests (``Chat.join_requests_count``, ``recent_requesters``)
for the creator and the admins who may invite, and for no one else; each refusal as its typed error
(InviteRequestSent, HideRequesterMissing, UserAlreadyParticipant, ChatAdminRequired, UsageLimitInvalid,
InviteHashInvalid, ChannelPrivate)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tgfleet import Client, enums, errors, filters
from tgfleet.net.timeouts import within
from tgfleet.tl import functions, types
from tgfleet.types import ChatJoinRequest, ChatPrivileges, Message

from .chat_pair import ChatPair, chat_pair, inbox
from .helpers import logged_in, make_client

PROMPTLY = 10.0


def _pending_told(client: Client) -> asyncio.Queue[types.UpdatePendingJoinRequests]:
    told: asyncio.Queue[types.UpdatePendingJoinRequests] = asyncio.Queue()

    @client.on_raw_update()
    def on_raw(_: Client, update: object, users: object, chats: object) -> None:
        if isinstance(update, types.UpdatePendingJoinRequests):
            told.put_nowait(update)

    return told


async def _carol(p: ChatPair) -> tuple[Client, int]:
    carol = p.tg.add_user(phone="+15550169999", first_name="Carol", username="carol_jr", dc=1)
    client = await logged_in(p.tg, carol.phone, "carol")
    return client, carol.id


async def test_a_supergroup_join_request_is_sent_seen_listed_and_approved() -> None:
    async with chat_pair() as p:
        room = await p.alice.create_supergroup("Gated")
        link = await p.alice.create_chat_invite_link(room.id, name="ask first", creates_join_request=True)
        assert link.creates_join_request is True
        told = _pending_told(p.alice)
        arrived = inbox(p.bob)

        for _ in range(2):  # asking again leaves the one request
            with pytest.raises(errors.InviteRequestSent):
                await p.bob.join_chat(link.invite_link)
        first = await within(told.get(), PROMPTLY)
        assert first.requests_pending == 1 and first.recent_requesters == [p.bob_id]
        assert told.empty()
        code = link.invite_link.split("+")[-1]
        checked = await p.bob.invoke(functions.messages.CheckChatInvite(hash=code))
        assert isinstance(checked, types.ChatInvite) and checked.request_needed  # not let in yet

        joiners = [j async for j in p.alice.get_chat_join_requests(room.id)]
        assert [(j.user.id, j.pending, j.approved_by) for j in joiners] == [(p.bob_id, True, None)]
        assert [j async for j in p.alice.get_chat_join_requests(room.id, query="bo")] != []
        assert [j async for j in p.alice.get_chat_join_requests(room.id, query="zed")] == []
        assert (await p.alice.get_chat_invite_link(room.id, link.invite_link)).pending_join_request_count == 1

        assert await p.alice.approve_chat_join_request(room.id, p.bob_id) is True
        joined = await within(arrived.get(), PROMPTLY)
        assert joined.service is enums.MessageServiceType.NEW_CHAT_MEMBERS and joined.chat.id == room.id
        assert isinstance(await p.bob.invoke(functions.messages.CheckChatInvite(hash=code)), types.ChatInviteAlready)
        assert (await p.bob.get_chat_member(room.id, "me")).user.id == p.bob_id
        assert [j async for j in p.alice.get_chat_join_requests(room.id)] == []
        with pytest.raises(errors.ChatAdminRequired):  # a member, no admin
            [j async for j in p.bob.get_chat_join_requests(room.id)]
        with pytest.raises(errors.HideRequesterMissing):
            await p.alice.approve_chat_join_request(room.id, p.bob_id)
        with pytest.raises(errors.UserAlreadyParticipant):
            await p.bob.join_chat(link.invite_link)
        joined_by_link = await p.alice.invoke(
            functions.messages.GetChatInviteImporters(
                peer=await p.alice.resolve_peer(room.id), offset_date=0, offset_user=types.InputUserEmpty(), limit=10
            )
        )
        assert [(i.user_id, i.approved_by) for i in joined_by_link.importers] == [(p.bob_id, p.alice_id)]
        with pytest.raises(errors.UsageLimitInvalid):  # a link that needs approval has no member limit
            await p.alice.create_chat_invite_link(room.id, member_limit=5, creates_join_request=True)


async def test_a_basic_groups_requests_are_declined_paged_and_approved_all_at_once() -> None:
    async with chat_pair() as p:
        carol, carol_id = await _carol(p)
        try:
            group = await p.alice.create_group("Club", p.bob_id)
            link = await p.alice.create_chat_invite_link(group.id, creates_join_request=True)
            checked = await carol.invoke(functions.messages.CheckChatInvite(hash=link.invite_link.split("+")[-1]))
            assert isinstance(checked, types.ChatInvite) and checked.request_needed
            with pytest.raises(errors.InviteRequestSent):
                await carol.join_chat(link.invite_link)
            assert await p.alice.decline_chat_join_request(group.id, carol_id) is True
            assert [j async for j in p.alice.get_chat_join_requests(group.id)] == []
            with pytest.raises(errors.HideRequesterMissing):
                await p.alice.decline_chat_join_request(group.id, carol_id)
            with pytest.raises(errors.UserAlreadyParticipant):  # Bob is in already
                await p.bob.join_chat(link.invite_link)

            third = p.tg.add_user(phone="+15550168888", first_name="Dave", username="dave_jr", dc=1)
            dave = await logged_in(p.tg, third.phone, "dave")
            try:
                for asker in (carol, dave):
                    with pytest.raises(errors.InviteRequestSent):
                        await asker.join_chat(link.invite_link)
                assert len([j async for j in p.alice.get_chat_join_requests(group.id, limit=1)]) == 1
                peer = await p.alice.resolve_peer(group.id)
                pages: list[int] = []
                offset_date, offset_user = 0, types.InputUserEmpty()
                for _ in range(3):  # one a page, as a client pages them
                    page: Any = await p.alice.invoke(
                        functions.messages.GetChatInviteImporters(
                            requested=True, peer=peer, offset_date=offset_date, offset_user=offset_user, limit=1
                        )
                    )
                    assert page.count == 2
                    if not page.importers:
                        break
                    pages.append(page.importers[0].user_id)
                    offset_date = page.importers[0].date
                    offset_user = types.InputUser(
                        user_id=page.importers[0].user_id,
                        access_hash=next(u.access_hash for u in page.users if u.id == page.importers[0].user_id),
                    )
                assert sorted(pages) == sorted([carol_id, third.id])
                arrived = inbox(carol)
                assert await p.alice.approve_all_chat_join_requests(group.id) is True
                joined = await within(arrived.get(), PROMPTLY)
                assert joined.chat.id == group.id and joined.service is enums.MessageServiceType.NEW_CHAT_MEMBERS
                members = {m.user.id async for m in p.alice.get_chat_members(group.id)}
                assert {carol_id, third.id} <= members
                with pytest.raises(errors.InviteHashInvalid):
                    await p.alice.approve_all_chat_join_requests(group.id, "https://t.me/+notalinkofthisgroup")
            finally:
                await dave.disconnect()
        finally:
            await carol.disconnect()


async def test_a_bot_admin_hears_of_a_request_and_approves_it() -> None:
    async with chat_pair() as p:
        token = p.tg.add_bot("doorman_bot", "Doorman")
        room = await p.alice.create_supergroup("Door")
        await p.alice.add_chat_members(room.id, "doorman_bot")
        await p.alice.promote_chat_member(room.id, "doorman_bot", ChatPrivileges(can_invite_users=True))
        link = await p.alice.create_chat_invite_link(room.id, creates_join_request=True)
        bot = make_client(p.tg, "bot", bot_token=token)
        heard: asyncio.Queue[ChatJoinRequest] = asyncio.Queue()

        @bot.on_chat_join_request()
        async def on_request(_: Client, request: ChatJoinRequest) -> None:
            heard.put_nowait(request)

        await bot.start()
        try:
            arrived: asyncio.Queue[Message] = inbox(p.bob, filters.group)
            with pytest.raises(errors.InviteRequestSent):
                await p.bob.join_chat(link.invite_link)
            request = await within(heard.get(), PROMPTLY)
            assert request.from_user.id == p.bob_id and request.chat.id == room.id
            assert request.invite_link.invite_link == link.invite_link
            assert await request.approve() is True
            joined = await within(arrived.get(), PROMPTLY)
            assert joined.from_user.id == p.bob_id and joined.chat.id == room.id
        finally:
            await bot.stop()


async def _requesters(p: ChatPair, link: str, *askers: Client) -> None:
    for asker in askers:
        with pytest.raises(errors.InviteRequestSent):
            await asker.join_chat(link)


async def _recent(client: Client, chat_id: int) -> list[int] | None:
    """The full chat's ``recent_requesters`` as the server sends them (Pyrogram's Chat has the count only)."""
    peer = await client.resolve_peer(chat_id)
    if isinstance(peer, types.InputPeerChat):
        full: Any = await client.invoke(functions.messages.GetFullChat(chat_id=peer.chat_id))
    else:
        channel = types.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)
        full = await client.invoke(functions.channels.GetFullChannel(channel=channel))
    return full.full_chat.recent_requesters


async def test_the_full_chat_counts_the_waiting_requests_for_those_who_may_approve_them() -> None:
    async with chat_pair() as p:
        carol, carol_id = await _carol(p)
        third = p.tg.add_user(phone="+15550168887", first_name="Dave", username="dave_full", dc=1)
        dave = await logged_in(p.tg, third.phone, "dave")
        try:
            room = await p.alice.create_supergroup("Counted")
            await p.alice.add_chat_members(room.id, [p.bob_id, "dave_full"])
            await p.alice.promote_chat_member(room.id, p.bob_id, ChatPrivileges(can_invite_users=True))
            await p.alice.promote_chat_member(room.id, "dave_full", ChatPrivileges(can_pin_messages=True))
            assert (await p.alice.get_chat(room.id)).join_requests_count is None  # none waits yet
            link = await p.alice.create_chat_invite_link(room.id, creates_join_request=True)
            outsider = p.tg.add_user(phone="+15550168886", first_name="Erin", username="erin_full", dc=1)
            erin = await logged_in(p.tg, outsider.phone, "erin")
            try:
                await _requesters(p, link.invite_link, carol, erin)
                for admin in (p.alice, p.bob):  # the creator, an admin who may invite
                    assert (await admin.get_chat(room.id)).join_requests_count == 2
                    assert await _recent(admin, room.id) == [outsider.id, carol_id]
                assert (await dave.get_chat(room.id)).join_requests_count is None  # an admin who may not invite
                assert await _recent(dave, room.id) is None
                assert await p.alice.approve_chat_join_request(room.id, carol_id) is True
                assert (await p.bob.get_chat(room.id)).join_requests_count == 1
                assert await _recent(p.bob, room.id) == [outsider.id]
                assert (await carol.get_chat(room.id)).join_requests_count is None  # a plain member now
                assert await p.bob.decline_chat_join_request(room.id, outsider.id) is True
                assert (await p.alice.get_chat(room.id)).join_requests_count is None

                group = await p.alice.create_group("Counted club", p.bob_id)
                club = await p.alice.create_chat_invite_link(group.id, creates_join_request=True)
                await _requesters(p, club.invite_link, carol)
                assert (await p.alice.get_chat(group.id)).join_requests_count == 1
                assert await _recent(p.alice, group.id) == [carol_id]
                assert (await p.bob.get_chat(group.id)).join_requests_count is None  # a member, no admin
                await dave.leave_chat(room.id)
                with pytest.raises(errors.ChannelPrivate):  # no member of the private supergroup any more
                    await dave.get_chat(room.id)
            finally:
                await erin.disconnect()
        finally:
            await dave.disconnect()
            await carol.disconnect()
