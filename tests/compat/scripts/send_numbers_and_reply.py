# Small things userbots do: a number as text, reply_to_message_id, disable_notification.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        first = await app.send_message(peer, 42)
        second = await app.send_message(peer, "about that", reply_to_message_id=first.id, disable_notification=True)
        print(first.text, second.reply_to_message_id == first.id)


asyncio.run(main())
