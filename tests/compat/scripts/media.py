# Media: a document up and down again with progress (to a file and into memory), a photo by path and by file id,
# a location, an album of a photo and a document.
import asyncio
import os
import struct
import zlib

from pyrogram import Client
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
        data = bytes(range(256)) * 4096 * 3 + b"tail"
        with open("report.bin", "wb") as f:
            f.write(data)
        with open("pic.png", "wb") as f:
            f.write(png(640, 480))
        up = []
        sent = await app.send_document(
            peer, "report.bin", caption="the report", progress=lambda c, t: up.append((c, t))
        )
        print("sent", sent.document.file_name, sent.document.file_size, sent.caption, up[-1] == (len(data), len(data)))
        down = []
        path = await app.download_media(sent, file_name="downloads/", progress=lambda c, t: down.append((c, t)))
        with open(path, "rb") as f:
            print("downloaded", os.path.basename(path), f.read() == data, down[-1] == (len(data), len(data)))
        memory = await app.download_media(sent, in_memory=True)
        print("in memory", memory.getvalue() == data)
        photo = await app.send_photo(peer, "pic.png", caption="pic")
        print("photo", photo.photo.width, photo.photo.height, photo.caption)
        again = await app.send_photo(peer, photo.photo.file_id, caption="again")
        print("again", again.photo.file_unique_id == photo.photo.file_unique_id)
        where = await app.send_location(peer, 52.52, 13.405)
        print("location", where.location.latitude, where.location.longitude)
        album = await app.send_media_group(
            peer, [InputMediaPhoto("pic.png", caption="one"), InputMediaDocument("report.bin", caption="two")]
        )
        print("album", len(album), [m.caption for m in album], len({m.media_group_id for m in album}))


asyncio.run(main())
