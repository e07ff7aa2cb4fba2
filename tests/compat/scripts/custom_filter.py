# filters.create: a custom filter (sync and async), combined with &, | and ~.
# compat: send apple
# compat: send banana
# compat: send cherry
# compat: send done
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
finished = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: the message was handled
    print("seen", message.text)


def starts_with(letter):
    return filters.create(lambda flt, _, message: (message.text or "").startswith(flt.letter), letter=letter)


async def is_long(_, __, message):
    return len(message.text or "") > 5


long_text = filters.create(is_long)


@app.on_message(starts_with("a") | starts_with("c"))
async def a_or_c(client, message):
    print("a or c", message.text)


@app.on_message(long_text & ~starts_with("c"), group=1)
async def long_not_c(client, message):
    print("long, not c", message.text)


@app.on_message(filters.regex("^done$"), group=2)
async def done(client, message):
    finished.set()


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(finished.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
