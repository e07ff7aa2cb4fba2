# Joining and leaving as a member does, in another account's supergroups: a public one by its username and a
# private one by its invite link; the account's status, the member count and the last post once in, what a left
# chat answers (USER_NOT_PARTICIPANT, CHANNEL_PRIVATE), and joining again by the link.
# compat: peer-chats
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import ChannelPrivate, UserNotParticipant


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        await app.join_chat(os.environ["PEER_PUBLIC"])  # (Kurigram answers a ChatJoinResult, Pyrogram a Chat)
        public = await app.get_chat(os.environ["PEER_PUBLIC"])
        print("joined", public.type, public.title, public.username)
        print("status", (await app.get_chat_member(public.id, "me")).status)
        print("members", await app.get_chat_members_count(public.id))
        async for message in app.get_chat_history(public.id, limit=1):
            print("last", message.service, message.from_user.username)
        await app.leave_chat(public.id)
        try:
            await app.get_chat_member(public.id, "me")
        except UserNotParticipant as e:
            print("left", e.ID)

        await app.join_chat(os.environ["PEER_INVITE"])
        private = await app.get_chat(os.environ["PEER_INVITE"])
        print("joined", private.type, private.title, private.username)
        print("members", await app.get_chat_members_count(private.id))
        async for message in app.get_chat_history(private.id, limit=2):
            print("history", message.service, message.text)
        await app.leave_chat(private.id)
        try:
            await app.get_chat_history_count(private.id)
        except ChannelPrivate as e:
            print("outside", e.ID)
        await app.join_chat(os.environ["PEER_INVITE"])
        print("again", (await app.get_chat_member(private.id, "me")).status)


asyncio.run(main())
