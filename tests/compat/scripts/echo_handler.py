# The echo bot of Pyrogram's documentation (private incoming text, replied with the same text).
# compat: send hello
# compat: send how are you?
# compat: send bye
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: after the answer went out
    print("seen", message.text)
    if message.text == "bye":
        done.set()


@app.on_message(filters.private & filters.incoming & filters.text)
async def echo(client, message):
    print("got", message.text, message.from_user.first_name, message.chat.type)
    await message.reply(message.text)


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
