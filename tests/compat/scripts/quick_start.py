# The quick start of Pyrogram's documentation: a session file, `async with Client(...)`, one message to Saved Messages.
import asyncio
import os

from pyrogram import Client

api_id = os.environ["API_ID"]
api_hash = os.environ["API_HASH"]


async def main():
    async with Client("my_account", api_id, api_hash) as app:
        await app.send_message("me", "Greetings from **Pyrogram**!")
        print("sent")


asyncio.run(main())
