# app.run(): start, handle updates until Ctrl-C (idle), stop; handlers added with add_handler beforehand.
# compat: send hi run
# compat: sigint-after ^handled hi run$
import os

from pyrogram import Client, filters
from pyrogram.handlers import MessageHandler, StartHandler

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])


async def ready(client):
    print("me", (await client.get_me()).is_self)
    print("READY")


async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


async def hello(client, message):
    await message.reply("ran")
    print("handled", message.text)


app.add_handler(StartHandler(ready))
app.add_handler(MessageHandler(log_every_message), group=100)
app.add_handler(MessageHandler(hello, filters.private & filters.text))
app.run()
print("stopped", app.is_connected)
