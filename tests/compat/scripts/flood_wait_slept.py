# A FloodWait under sleep_threshold (10 s by default) is slept by the client itself: the script never sees it.
# compat: flood SendMessage 1
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        sent = await app.send_message(os.environ["PEER"], "sent despite the flood wait")
        print("sent", sent.text)


asyncio.run(main())
