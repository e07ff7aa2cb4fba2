# An unknown username: Pyrogram raises UsernameNotOccupied, a BadRequest and an RPCError.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import BadRequest, RPCError, UsernameNotOccupied


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        try:
            await app.send_message("nobody_has_this_name", "hello?")
        except UsernameNotOccupied as e:
            print("not occupied", e.ID, e.CODE, isinstance(e, BadRequest), isinstance(e, RPCError))
        try:
            await app.resolve_peer("@nobody_has_this_name")
        except RPCError as e:
            print("resolve_peer", type(e).__name__, e.ID)


asyncio.run(main())
