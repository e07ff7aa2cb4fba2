# Raw API: invoke with pyrogram.raw.functions / types, and resolve_peer's Input* objects.
import asyncio
import os

from pyrogram import Client
from pyrogram.raw import functions, types


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        users = await app.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]))
        print(type(users[0]).__name__, users[0].is_self, users[0].first_name)
        full = await app.invoke(functions.users.GetFullUser(id=types.InputUserSelf()))
        print(type(full).__name__, full.full_user.id == users[0].id)
        peer = await app.resolve_peer(os.environ["PEER"])
        print(type(peer).__name__, peer.user_id == int(os.environ["PEER_ID"]))
        print(type(await app.resolve_peer("me")).__name__)
        sent = await app.invoke(functions.messages.SendMessage(peer=peer, message="raw hello", random_id=app.rnd_id()))
        print(type(sent).__name__)
        history = await app.invoke(
            functions.messages.GetHistory(
                peer=peer, offset_id=0, offset_date=0, add_offset=0, limit=10, max_id=0, min_id=0, hash=0
            )
        )
        print(type(history).__name__, [m.message for m in history.messages])


asyncio.run(main())
