# FloodWait as userbots handle it: sleep_threshold=0 makes every flood wait an exception; wait e.value and retry.
# compat: flood SendMessage 2
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import FloodWait


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"], sleep_threshold=0) as app:
        try:
            await app.send_message(os.environ["PEER"], "first try")
        except FloodWait as e:
            print("flood", e.ID, e.value, type(e.value).__name__, e.CODE, FloodWait.ID)
            await asyncio.sleep(e.value)
            await app.send_message(os.environ["PEER"], "after waiting")
            print("sent after", e.value, "seconds")


asyncio.run(main())
