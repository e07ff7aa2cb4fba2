# Bound methods on a sent message: edit_text, then delete; an error is printed by its class and code (the same must
# come from both libraries).
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import RPCError


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        sent = await app.send_message(os.environ["PEER"], "draft")
        for action in (lambda: sent.edit_text("final"), lambda: sent.delete()):
            try:
                await action()
                print("done")
            except RPCError as e:
                print(type(e).__name__, e.CODE)


asyncio.run(main())
