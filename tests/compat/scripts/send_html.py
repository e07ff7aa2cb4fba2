# send_message with parse_mode=ParseMode.HTML.
import asyncio
import os

from pyrogram import Client
from pyrogram.enums import ParseMode

TEXT = (
    '<b>bold</b>, <i>italic</i>, <u>underline</u>, <s>strike</s>, <code>x = 1</code>, <a href="https://t.me">t.me</a>'
)


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        sent = await app.send_message(os.environ["PEER"], TEXT, parse_mode=ParseMode.HTML)
        print(sent.text)


asyncio.run(main())
