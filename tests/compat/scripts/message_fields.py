# The sent Message's fields and entities.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        m = await app.send_message(os.environ["PEER"], "Hello **world**, see `code` and __this__")
        print(m.id, m.chat.id, m.chat.type, m.outgoing, m.empty, m.service, m.media)
        print(m.text)
        print([(str(e.type), e.offset, e.length) for e in m.entities])
        print(m.date.year > 2000, m.edit_date, m.reply_to_message_id)


asyncio.run(main())
