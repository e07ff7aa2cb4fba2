# ParseMode.DISABLED sends the markup characters as they are; the default reads Markdown and HTML together.
import asyncio
import os

from pyrogram import Client, enums


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        await app.send_message(peer, "**not bold** <b>nor this</b>", parse_mode=enums.ParseMode.DISABLED)
        await app.send_message(peer, "**bold** and <i>italic</i> by default")
        print("done")


asyncio.run(main())
