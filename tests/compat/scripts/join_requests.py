# Join requests seen from the admin's side: a link that needs approval, its fields, no request waiting yet (none
# counted by get_chat either), approving someone who never asked (HIDE_REQUESTER_MISSING), a member limit on such a
# link (USAGE_LIMIT_INVALID), the admin joining by his own link (USER_ALREADY_PARTICIPANT), and a basic group's link
# the same way.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import HideRequesterMissing, UsageLimitInvalid, UserAlreadyParticipant


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        group = await app.create_supergroup("Compat gated")
        link = await app.create_chat_invite_link(group.id, name="ask first", creates_join_request=True)
        print(link.name, link.creates_join_request, link.member_limit, link.invite_link.startswith("https://t.me/+"))
        again = await app.get_chat_invite_link(group.id, link.invite_link)
        print("pending", again.pending_join_request_count, again.creates_join_request)
        print("requests", [j.user.id async for j in app.get_chat_join_requests(group.id)])
        print("count", (await app.get_chat(group.id)).join_requests_count)
        try:
            await app.approve_chat_join_request(group.id, (await app.get_users(peer)).id)
        except HideRequesterMissing as e:
            print("approve", e.ID)
        try:
            await app.create_chat_invite_link(group.id, member_limit=5, creates_join_request=True)
        except UsageLimitInvalid as e:
            print("limit", e.ID)
        try:
            await app.join_chat(link.invite_link)
        except UserAlreadyParticipant as e:
            print("join", e.ID)
        print("approve all", await app.approve_all_chat_join_requests(group.id))
        print("decline all", await app.decline_all_chat_join_requests(group.id, link.invite_link))

        basic = await app.create_group("Compat club", peer)
        club = await app.create_chat_invite_link(basic.id, creates_join_request=True)
        print("club", club.creates_join_request, [j async for j in app.get_chat_join_requests(basic.id)])
        try:
            await app.decline_chat_join_request(basic.id, peer)
        except HideRequesterMissing as e:
            print("decline", e.ID)


asyncio.run(main())
