# A channel's photo history: three photos set, listed newest first and counted, the photo removed (the history
# stays), an earlier photo downloaded from the list.
import asyncio
import os
import struct
import zlib

from pyrogram import Client


def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        channel = await app.create_channel("Compat gallery")
        for side in (300, 400, 500):
            name = f"{side}.png"
            with open(name, "wb") as f:
                f.write(png(side, side))
            service = await app.set_chat_photo(channel.id, photo=name)
            print("set", service.service)
        photos = [p async for p in app.get_chat_photos(channel.id)]
        current = (await app.get_chat(channel.id)).photo
        print("listed", len(photos), photos[0].big_photo_unique_id == current.big_photo_unique_id)
        print("count", await app.get_chat_photos_count(channel.id))
        print("two", len([p async for p in app.get_chat_photos(channel.id, limit=2)]))
        oldest = await app.download_media(photos[-1].big_file_id, in_memory=True)
        print("oldest", oldest.getvalue() == png(300, 300))
        print("removed", await app.delete_chat_photo(channel.id), (await app.get_chat(channel.id)).photo)
        after = [p async for p in app.get_chat_photos(channel.id)]
        print("history", [p.big_photo_unique_id for p in after] == [p.big_photo_unique_id for p in photos])
        print("count", await app.get_chat_photos_count(channel.id))


asyncio.run(main())
