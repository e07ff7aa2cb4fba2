# Bound methods: message.reply / reply_text (in a private chat they quote nothing by default).
# compat: send ping
# compat: send quote me
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: after the answer went out
    print("seen", message.text)


@app.on_message(filters.private & filters.incoming)
async def answer(client, message):
    if message.text == "ping":
        sent = await message.reply_text("pong")
    else:
        sent = await message.reply(f"you said: **{message.text}**")
    print("replied", sent.text, sent.reply_to_message_id == message.id)
    if message.text == "quote me":
        done.set()


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
