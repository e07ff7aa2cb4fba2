# send_message with parse_mode=ParseMode.MARKDOWN: bold, italic, code, a link, strike, spoiler.
import asyncio
import os

from pyrogram import Client, enums

TEXT = "**bold** __italic__ `code` [link](https://example.com) ~~strike~~ ||spoiler|| plain"


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        sent = await app.send_message(os.environ["PEER"], TEXT, parse_mode=enums.ParseMode.MARKDOWN)
        print(sent.text)
        print([str(e.type) for e in sent.entities])


asyncio.run(main())
