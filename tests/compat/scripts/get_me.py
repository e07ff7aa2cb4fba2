# get_me, the first thing every userbot does; the User object's common fields.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        me = await app.get_me()
        print(me.id, me.first_name, me.username, me.is_self, me.is_bot, me.is_contact)
        print(me.phone_number, me.mention)


asyncio.run(main())
