# Views and forwards of a channel's post: its poster is its first viewer, viewing it again counts nothing more, a
# forward counts; a supergroup's message carries no counters.
import asyncio
import os

from pyrogram import Client


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        channel = await app.create_channel("Compat views")
        post = await app.send_message(channel.id, "watch this")
        print("sent", post.views, post.forwards)
        print("viewed", await app.view_messages(channel.id, post.id), await app.view_messages(channel.id, [post.id]))
        print("again", (await app.get_messages(channel.id, post.id)).views)
        await app.forward_messages(os.environ["PEER"], channel.id, post.id)
        counted = await app.get_messages(channel.id, post.id)
        print("forwarded", counted.views, counted.forwards)
        room = await app.create_supergroup("Compat views room")
        said = await app.send_message(room.id, "no counters")
        print("room", await app.view_messages(room.id, said.id), said.views, said.forwards)


asyncio.run(main())
