# A basic group: create it with the other account, send, read the history, the members, rename, describe, leave.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        group = await app.create_group("Compat group", os.environ["PEER"])
        print(group.type, group.title)
        await app.send_message(group.id, "hello group")
        await app.send_message(group.id, "second")
        async for message in app.get_chat_history(group.id, limit=2):
            print(message.text, message.from_user.is_self)
        async for member in app.get_chat_members(group.id):
            print(member.status, member.user.is_self)
        await app.set_chat_title(group.id, "Renamed group")
        await app.set_chat_description(group.id, "about us")
        chat = await app.get_chat(group.id)
        print(chat.title, chat.description)
        async for dialog in app.get_dialogs(limit=1):
            print(dialog.chat.type, dialog.chat.title)


asyncio.run(main())
