# A userbot's own commands: outgoing messages with a "." prefix (filters.me), answered with a message.
# compat: send-out .alive
# compat: send-out just chatting
# compat: send-out .quit
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: after the answer went out
    print("seen", message.text)
    if message.text == ".quit":
        done.set()


@app.on_message(filters.me & filters.command(["alive", "quit"], prefixes="."))
async def command(client, message):
    print("own command", message.command[0], message.outgoing)
    if message.command[0] != "quit":
        await client.send_message(message.chat.id, "I am alive")


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
