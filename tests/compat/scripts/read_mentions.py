# Reading one's mentions: in a supergroup, a basic group and a private chat read_mentions answers True, and the
# dialogs count no unread mention afterwards.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        room = await app.create_supergroup("Compat mentions")
        await app.send_message(room.id, "hello all")
        club = await app.create_group("Compat mentions club", peer)
        await app.send_message(club.id, "hello all")
        for chat_id in (room.id, club.id, peer):
            print("read", await app.read_mentions(chat_id))
        async for dialog in app.get_dialogs():
            if dialog.chat.id in (room.id, club.id):
                print("dialog", dialog.chat.title, dialog.unread_mentions_count)


asyncio.run(main())
