# An export in a takeout session (takeout=True): start() opens it, every call goes inside it, stop() finishes it.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        await app.send_message(os.environ["PEER"], "to be exported")
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"], takeout=True) as app:
        print("takeout session", app.takeout_id is not None)
        me = await app.get_me()
        print(me.first_name, me.is_self)
        async for message in app.get_chat_history(os.environ["PEER"]):
            print(message.text, message.outgoing)


asyncio.run(main())
