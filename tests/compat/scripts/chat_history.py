# get_chat_history: the newest messages first.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        for i in range(3):
            await app.send_message(peer, f"message {i}")
        async for message in app.get_chat_history(peer, limit=2):
            print(message.text, message.outgoing)


asyncio.run(main())
