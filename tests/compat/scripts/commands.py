# filters.command with several names and a custom prefix; message.command holds the parsed arguments.
# compat: send /start
# compat: send not a command
# compat: send /help me please
# compat: send !ping
# compat: send /stop
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: after the answer went out
    print("seen", message.text)
    if message.text == "/stop":
        done.set()


@app.on_message(filters.command(["start", "help"]))
async def start(client, message):
    print("command", message.command)


@app.on_message(filters.command("ping", prefixes="!"))
async def ping(client, message):
    print("ping", message.command)
    await message.reply_text("pong")


@app.on_message(filters.command("stop"))
async def stop(client, message):
    print("stop")


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
