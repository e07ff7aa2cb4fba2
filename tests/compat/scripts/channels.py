# A supergroup and a channel: create, add the other account, send, history, members by filter, promote, an invite
# link, slow mode, a description, delete.
import asyncio
import os

from pyrogram import Client, enums, types


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        group = await app.create_supergroup("Compat supergroup", "a place")
        print(group.type, group.title)
        await app.add_chat_members(group.id, os.environ["PEER"])
        await app.send_message(group.id, "welcome")
        async for message in app.get_chat_history(group.id, limit=1):
            print(message.text, message.chat.type)
        async for member in app.get_chat_members(group.id, filter=enums.ChatMembersFilter.ADMINISTRATORS):
            print("admin", member.status, member.user.is_self)
        peer = await app.get_chat_member(group.id, os.environ["PEER"])
        print(peer.status)
        await app.promote_chat_member(group.id, os.environ["PEER"], types.ChatPrivileges(can_change_info=True))
        print((await app.get_chat_member(group.id, os.environ["PEER"])).status)
        link = await app.create_chat_invite_link(group.id, name="friends", member_limit=5)
        print(link.name, link.is_primary, link.member_limit, link.invite_link.startswith("https://t.me/+"))
        print(await app.set_slow_mode(group.id, 30))

        channel = await app.create_channel("Compat channel")
        print(channel.type, channel.title)
        await app.set_chat_description(channel.id, "news")
        await app.send_message(channel.id, "first post")
        chat = await app.get_chat(channel.id)
        print(chat.title, chat.description)
        async for message in app.get_chat_history(channel.id, limit=1):
            print(message.text, message.chat.type)
        print(await app.delete_channel(channel.id))


asyncio.run(main())
