# Changes inside a supergroup: an edit (the same text again is an error), a photo and its caption edited, a pin
# found by the pinned filter and by search, deletions counted, the history and its count after them.
import asyncio
import os
import struct
import zlib

from pyrogram import Client, enums
from pyrogram.errors import MessageNotModified


def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        group = await app.create_supergroup("Compat changes")
        await app.add_chat_members(group.id, os.environ["PEER"])
        kept = await app.send_message(group.id, "kept")
        gone = await app.send_message(group.id, "gone")
        edited = await app.edit_message_text(group.id, kept.id, "kept, **edited**")
        print(edited.text, edited.entities[0].type, edited.edit_date is not None, edited.chat.type)
        try:
            await app.edit_message_text(group.id, kept.id, "kept, **edited**")
        except MessageNotModified as e:
            print("not modified:", e.ID)
        with open("pic.png", "wb") as f:
            f.write(png(160, 120))
        photo = await app.send_photo(group.id, "pic.png", caption="a photo")
        print("photo", photo.photo.width, photo.photo.height, photo.caption)
        captioned = await app.edit_message_caption(group.id, photo.id, "a photo, captioned")
        print("caption", captioned.caption, captioned.photo is not None)
        await app.pin_chat_message(group.id, kept.id)
        async for message in app.search_messages(group.id, filter=enums.MessagesFilter.PINNED):
            print("pinned", message.text)
        async for message in app.search_messages(group.id, "edited"):
            print("found", message.text)
        print("unpinned", await app.unpin_chat_message(group.id, kept.id))
        print("deleted", await app.delete_messages(group.id, [gone.id, photo.id]))
        async for message in app.get_chat_history(group.id, limit=2):
            print("history", message.text)
        print("count", await app.get_chat_history_count(group.id))


asyncio.run(main())
