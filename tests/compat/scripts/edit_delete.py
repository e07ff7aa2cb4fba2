# Editing and deleting with the client's methods: the edit shows in the history, editing to the same text is an
# error, a deletion for oneself leaves the other side's copy, one with revoke takes both.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import MessageIdInvalid, MessageNotModified


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        kept = await app.send_message(peer, "kept")
        gone = await app.send_message(peer, "gone")
        mine = await app.send_message(peer, "only mine goes")
        edited = await app.edit_message_text(peer, kept.id, "kept, **edited**")
        print(edited.text, edited.entities[0].type, edited.edit_date is not None)
        try:
            await app.edit_message_text(peer, kept.id, "kept, **edited**")
        except MessageNotModified as e:
            print("not modified:", e.ID)
        try:
            await app.edit_message_text(peer, 999999, "nothing")
        except MessageIdInvalid as e:
            print("invalid:", e.ID)
        print("deleted", await app.delete_messages(peer, gone.id))
        print("deleted", await app.delete_messages(peer, [mine.id], revoke=False))
        async for message in app.get_chat_history(peer):
            print("history", message.text)


asyncio.run(main())
