# A userbot started from a session string only (no file), as deployments on hosts without a disk do.
# compat: login string
import asyncio
import os

from pyrogram import Client

app = Client("userbot", session_string=os.environ["SESSION_STRING"], in_memory=True)


async def main():
    await app.start()
    me = await app.get_me()
    print("logged in as", me.first_name, me.id)
    await app.send_message("me", "userbot online")
    await app.stop()


asyncio.run(main())
