# Forwarding and copying to Saved Messages; a message sent with protect_content cannot be forwarded.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import ChatForwardsRestricted


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        sent = await app.send_message(peer, "worth sharing")
        forwarded = await app.forward_messages("me", peer, sent.id)
        print("forwarded", forwarded.text, forwarded.forward_from.is_self, forwarded.forward_date is not None)
        both = await app.forward_messages("me", peer, [sent.id, sent.id])
        print("forwarded", len(both), [m.text for m in both])
        copy = await app.copy_message("me", peer, sent.id)
        print("copied", copy.text, copy.forward_from)
        secret = await app.send_message(peer, "secret", protect_content=True)
        print("protected", (await app.get_messages(peer, secret.id)).has_protected_content)
        try:
            await app.forward_messages("me", peer, secret.id)
        except ChatForwardsRestricted as e:
            print("refused:", e.ID, e.CODE)


asyncio.run(main())
