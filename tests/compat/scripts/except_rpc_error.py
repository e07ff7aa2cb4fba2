# Error handling as userbots write it: specific classes first, then RPCError; MessageEmpty and MessageTooLong.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import MessageEmpty, MessageTooLong, RPCError


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        for text in ("   ", "x" * 5000):
            try:
                await app.send_message(os.environ["PEER"], text)
            except (MessageEmpty, MessageTooLong) as e:
                print("refused", type(e).__name__, e.ID, e.CODE, e.NAME)
            except RPCError as e:
                print("other", e)


asyncio.run(main())
