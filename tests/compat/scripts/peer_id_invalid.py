# A user id the account never met: Pyrogram has no access hash for it and raises PeerIdInvalid.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import PeerIdInvalid
from pyrogram.errors.exceptions.bad_request_400 import BadRequest


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        try:
            await app.send_message(int(os.environ["PEER_ID"]), "by id")
        except PeerIdInvalid as e:
            print(type(e).__name__, e.ID, e.CODE, isinstance(e, BadRequest))
        await app.send_message(os.environ["PEER"], "by username first")
        await app.send_message(int(os.environ["PEER_ID"]), "then by id")
        print("sent by id once the peer is known")


asyncio.run(main())
