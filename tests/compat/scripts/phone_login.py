# Client(phone_number=...) + start(): the code is typed on stdin as Pyrogram asks for it; a session file is left.
# compat: login phone
import asyncio
import os
from pathlib import Path

from pyrogram import Client


async def main():
    app = Client("new_login", os.environ["API_ID"], os.environ["API_HASH"], phone_number=os.environ["PHONE"])
    await app.start()
    me = await app.get_me()
    print("signed in", me.first_name)
    await app.stop()
    print(Path("new_login.session").exists())


asyncio.run(main())
