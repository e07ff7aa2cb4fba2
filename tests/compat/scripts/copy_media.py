# copy_message of media: a photo with its caption, a document with a new caption, a location, a contact; copying a
# service message (a new group's first) gives None.
import asyncio
import os
import struct
import zlib

from pyrogram import Client


def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        with open("pic.png", "wb") as f:
            f.write(png(320, 240))
        with open("notes.txt", "wb") as f:
            f.write(b"line\n" * 1000)
        photo = await app.send_photo(peer, "pic.png", caption="**bold** caption")
        copy = await app.copy_message("me", peer, photo.id)
        print("photo", copy.photo is not None, copy.photo.file_unique_id == photo.photo.file_unique_id)
        print("caption", copy.caption, [(e.type.name, e.offset, e.length) for e in copy.caption_entities or []])
        print("forward info", copy.forward_from, copy.forward_date)
        doc = await app.send_document(peer, "notes.txt", caption="old words")
        renamed = await app.copy_message(peer, peer, doc.id, caption="__new__ words")
        print("document", renamed.document.file_name, renamed.document.file_size, renamed.caption)
        print("new entities", [(e.type.name, e.offset, e.length) for e in renamed.caption_entities or []])
        place = await app.send_location(peer, 51.5, -0.12)
        moved = await app.copy_message("me", peer, place.id)
        print("location", moved.location.latitude, moved.location.longitude)
        card = await app.send_contact(peer, "+15550001111", "Card", "Person")
        again = await app.copy_message(peer, peer, card.id)
        print("contact", again.contact.first_name, again.contact.last_name, again.contact.phone_number)
        group = await app.create_group("Copies", peer)
        created = [m async for m in app.get_chat_history(group.id)][-1]
        print("service", created.service, await app.copy_message("me", group.id, created.id))


asyncio.run(main())
