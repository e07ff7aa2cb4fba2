# Reading the session file through client.storage before start(), as session tools do.
import asyncio
import os

from pyrogram import Client


async def main():
    app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
    await app.storage.open()
    print("logged in", await app.storage.user_id() is not None, "bot", bool(await app.storage.is_bot()))
    print("dc", await app.storage.dc_id())
    await app.storage.close()
    async with app:
        print("started as", app.me.first_name)
        print("same user", await app.storage.user_id() == app.me.id)


asyncio.run(main())
