# Handler groups run in order; within a group the first matching handler wins; StopPropagation ends the chain.
# compat: send one
# compat: send stop here
# compat: send last
import asyncio
import os

from pyrogram import Client, StopPropagation, filters
from pyrogram.handlers import MessageHandler

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


async def first(client, message):
    print("group -1", message.text)
    if message.text == "stop here":
        print("seen", message.text)  # the last line this message prints: no later group runs
        raise StopPropagation


async def second(client, message):
    print("group 0, first handler", message.text)


async def shadowed(client, message):
    print("never: the group's first handler took it")


async def last(client, message):
    print("group 5", message.text)
    if message.text == "last":
        done.set()


app.add_handler(MessageHandler(second, filters.text), 0)
app.add_handler(MessageHandler(shadowed, filters.text), 0)
app.add_handler(MessageHandler(last, filters.text), 5)
app.add_handler(MessageHandler(first, filters.text), -1)


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
