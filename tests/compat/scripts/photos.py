# Photos and the archive: a profile photo set, listed, seen, downloaded and deleted; a group's photo; a chat
# archived, listed from the archive and back; an unread mark; the groups in common.
import asyncio
import os
import struct
import zlib

from pyrogram import Client
from pyrogram.errors import PhotoCropSizeSmall


def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def downloaded(app, file_id):
    return (await app.download_media(file_id, in_memory=True)).getvalue()


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer = os.environ["PEER"]
        with open("me.png", "wb") as f:
            f.write(png(320, 320))
        print("set", await app.set_profile_photo(photo="me.png"))
        try:
            with open("tiny.png", "wb") as f:
                f.write(png(32, 32))
            await app.set_profile_photo(photo="tiny.png")
        except PhotoCropSizeSmall as e:
            print("refused", e.ID)
        photos = [p async for p in app.get_chat_photos("me")]
        print("listed", len(photos))
        me = await app.get_me()
        print("current", me.photo.big_photo_unique_id == photos[0].big_photo_unique_id)
        print("downloaded", await downloaded(app, me.photo.big_file_id) == png(320, 320))
        print("photo downloaded", await downloaded(app, photos[0].big_file_id) == png(320, 320))
        print("deleted", await app.delete_profile_photos([p.big_file_id for p in photos]))
        print("left", len([p async for p in app.get_chat_photos("me")]), (await app.get_me()).photo)

        group = await app.create_group("Photo club", peer)
        service = await app.set_chat_photo(group.id, photo="me.png")
        print("group photo", service.service, (await app.get_chat(group.id)).photo is not None)
        print("common", [c.title for c in await app.get_common_chats(peer)])

        await app.send_message(peer, "hi")
        print("archived", await app.archive_chats(peer))
        archived = [d async for d in app.get_dialogs(from_archive=True)]
        print("archive", [(d.chat.username, d.folder_id) for d in archived])
        print("main", peer in [d.chat.username async for d in app.get_dialogs(from_archive=False)])
        print("unarchived", await app.unarchive_chats(peer))
        print("archive now", [d.chat.id async for d in app.get_dialogs(from_archive=True)])
        print("marked", await app.mark_chat_unread(peer))
        print("unread", [d.unread_mark async for d in app.get_dialogs() if d.chat.username == peer])


asyncio.run(main())
