# A channel with a discussion group: each post is forwarded into the group as from the channel, the forward is
# found again by get_discussion_message, a comment answers it, and a forward of the post names the channel.
import asyncio
import os

from pyrogram import Client, raw


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        channel = await app.create_channel("Compat posts")
        talk = await app.create_supergroup("Compat posts talk")
        linked = await app.invoke(
            raw.functions.channels.SetDiscussionGroup(
                broadcast=await app.resolve_peer(channel.id), group=await app.resolve_peer(talk.id)
            )
        )
        print("linked", linked, (await app.get_chat(channel.id)).linked_chat.title)
        post = await app.send_message(channel.id, "have your say")
        copy = await app.get_discussion_message(channel.id, post.id)
        print("copy", copy.text, copy.chat.title, copy.sender_chat.title, copy.from_user, copy.outgoing)
        comment = await app.send_message(talk.id, "me first", reply_to_message_id=copy.id)
        print("comment", comment.text, comment.reply_to_message_id == copy.id)
        forwarded = await app.forward_messages(os.environ["PEER"], channel.id, post.id)
        print(
            "forwarded", forwarded.text, forwarded.forward_from_chat.title, forwarded.forward_from_message_id == post.id
        )
        print("from", forwarded.forward_from)


asyncio.run(main())
