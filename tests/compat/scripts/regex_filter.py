# filters.regex: message.matches holds the match objects.
# compat: send order 42
# compat: send no order here
# compat: send order 7
# compat: send end
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


@app.on_message(filters.regex(r"^order (\d+)$"))
async def order(client, message):
    print("order", message.matches[0].group(1))


@app.on_message(filters.text & filters.regex("^end$"))
async def end(client, message):
    done.set()


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
