# A bot as Pyrogram's documentation starts one (Client(bot_token=...)): get_me, then answer each private message.
# compat: login bot
# compat: send /start
# compat: send hello bot
import asyncio
import os

from pyrogram import Client, filters

app = Client(
    "my_bot",
    api_id=os.environ["API_ID"],
    api_hash=os.environ["API_HASH"],
    bot_token=os.environ["BOT_TOKEN"],
    in_memory=True,
)
done = asyncio.Event()


@app.on_message(group=100)
async def log_every_message(client, message):  # the last group: after the answer went out
    print("seen", message.text)
    if message.text == "hello bot":
        done.set()


@app.on_message(filters.private & filters.incoming & filters.text)
async def answer(client, message):
    print("got", message.text, message.from_user.first_name, message.chat.type)
    await message.reply(f"you said: {message.text}")


async def main():
    await app.start()
    me = await app.get_me()
    print(me.id, me.first_name, me.username, me.is_bot, me.is_self, me.phone_number)
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())  # the loop the Client was made on
