# compose([...]): start every client, handle updates until Ctrl-C, stop them all.
# compat: send hi compose
# compat: sigint-after ^handled hi compose$
import asyncio
import os

from pyrogram import Client, compose, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])


@app.on_start()
async def ready(client):
    print("READY")


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


@app.on_message(filters.private & filters.text)
async def hello(client, message):
    await message.reply("composed")
    print("handled", message.text)


async def main():
    await compose([app])
    print("stopped", app.is_connected)


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
