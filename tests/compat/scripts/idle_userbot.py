# The classic userbot: start(), register handlers, idle() until Ctrl-C, stop().
# compat: send hi bot
# compat: sigint-after ^handled hi bot$
import asyncio
import os

from pyrogram import Client, filters, idle

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


@app.on_message(filters.private & filters.text)
async def hello(client, message):
    print("handled", message.text)


async def main():
    await app.start()
    print("READY")
    await idle()
    await app.stop()
    print("stopped")


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
