# export_session_string from a logged-in session file, then a second client from that string alone.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        string = await app.export_session_string()
        me = await app.get_me()
    print(len(string))
    async with Client("from_string", session_string=string, in_memory=True) as copy:
        again = await copy.get_me()
        print(again.id == me.id, again.first_name)


asyncio.run(main())
