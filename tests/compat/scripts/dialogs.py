# get_dialogs: the chats with the most recent first.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        await app.send_message(os.environ["PEER"], "hi")
        await app.send_message("me", "note")
        async for dialog in app.get_dialogs():
            print(dialog.chat.type, dialog.chat.first_name, dialog.top_message.text)


asyncio.run(main())
