# Messages by username, with and without "@"; the sent Message's attributes.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        first = await app.send_message("@" + os.environ["PEER"], "hi there")
        second = await app.send_message(os.environ["PEER"], "hi again")
        for m in (first, second):
            print(m.id, m.chat.id, m.text, m.outgoing)
        print(second.id - first.id)


asyncio.run(main())
