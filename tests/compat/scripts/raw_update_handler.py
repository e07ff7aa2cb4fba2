# on_raw_update: the raw TL updates with the users and chats they mention.
# compat: send raw please
import asyncio
import os

from pyrogram import Client, raw

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


@app.on_raw_update()
async def raw_update(client, update, users, chats):
    if isinstance(update, (raw.types.UpdateNewMessage, raw.types.UpdateShortMessage)):
        print("raw", type(update).__name__, getattr(update, "message", None) is not None)
        done.set()


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
