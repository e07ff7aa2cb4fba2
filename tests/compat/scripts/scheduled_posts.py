# Scheduling an album and a forward for tomorrow: both wait among the scheduled messages (the album as one media
# group, the forward with its origin), nothing is sent; then they are deleted before their date.
import asyncio
import os
import struct
import zlib
from datetime import datetime, timedelta

from pyrogram import Client, raw
from pyrogram.types import InputMediaDocument, InputMediaPhoto


def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        with open("pic.png", "wb") as f:
            f.write(png(64, 48))
        with open("notes.txt", "wb") as f:
            f.write(b"notes " * 100)
        tomorrow = datetime.now() + timedelta(days=1)
        album = await app.send_media_group(
            peer,
            [InputMediaPhoto("pic.png", caption="one"), InputMediaDocument("notes.txt", caption="two")],
            schedule_date=tomorrow,
        )
        print("album", [m.caption for m in album], len({m.media_group_id for m in album}))
        note = await app.send_message("me", "pass it on")
        forwarded = await app.forward_messages(peer, "me", note.id, schedule_date=tomorrow)
        print("forward", forwarded.text, forwarded.forward_from.is_self)
        waiting = await app.get_scheduled_messages(peer)
        print("waiting", sorted(m.caption or m.text for m in waiting), len({m.media_group_id for m in album}))
        print("sent so far", [m.text async for m in app.get_chat_history(peer)])
        ids = [m.id for m in waiting]
        await app.invoke(raw.functions.messages.DeleteScheduledMessages(peer=await app.resolve_peer(peer), id=ids))
        print("left", await app.get_scheduled_messages(peer))


asyncio.run(main())
