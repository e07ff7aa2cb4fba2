# Searching a chat, reading messages by id and by reply, counting and marking the chat read.
# compat: send Apple pie
# compat: send apple juice
import asyncio
import os

from pyrogram import Client, filters

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
done = asyncio.Event()


@app.on_message(filters.private & filters.incoming, group=100)
async def log_every_message(client, message):
    print("seen", message.text)
    if message.text == "apple juice":
        done.set()


async def main():
    await app.start()
    print("READY")
    await asyncio.wait_for(done.wait(), 30)
    peer = os.environ["PEER"]
    question = await app.send_message(peer, "an apple a day?")
    answer = await app.send_message(peer, "yes", reply_to_message_id=question.id)
    async for message in app.search_messages(peer, "apple"):
        print("found", message.text, message.outgoing)
    async for message in app.search_messages(peer, "apple", limit=1):
        print("first", message.text)
    replied = await app.get_messages(peer, answer.id, reply=True)
    print("replied to", replied.text)
    several = await app.get_messages(peer, [question.id, answer.id])
    print("by id", [m.text for m in several])
    print("count", await app.get_chat_history_count(peer))
    print("read", await app.read_chat_history(peer))
    await app.stop()


asyncio.get_event_loop().run_until_complete(main())
