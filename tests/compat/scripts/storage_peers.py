# Peers straight from the session's cache through client.storage, as userbot tools read and write them.
import asyncio
import os

from pyrogram import Client
from pyrogram.raw.types import InputPeerUser


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer_id = int(os.environ["PEER_ID"])
        try:
            await app.storage.get_peer_by_id(peer_id)
        except KeyError as e:
            print("not cached yet", e)
        user = await app.get_users(os.environ["PEER"])
        peer = await app.storage.get_peer_by_id(peer_id)
        print(type(peer).__name__, peer.user_id == user.id, isinstance(peer, InputPeerUser))
        by_name = await app.storage.get_peer_by_username(os.environ["PEER"])
        print("by username", by_name.user_id == peer_id, by_name.access_hash == peer.access_hash)
        for lookup in (app.storage.get_peer_by_username("nobody_here"), app.storage.get_peer_by_phone_number("1999")):
            try:
                await lookup
            except KeyError as e:
                print("unknown", e)
        await app.storage.update_peers([(4242, 777, "user", None)])
        stored = await app.storage.get_peer_by_id(4242)
        print("written", type(stored).__name__, stored.user_id, stored.access_hash)
        await app.send_message(peer_id, "after the lookups")
        print("session string", len(await app.storage.export_session_string()))


asyncio.run(main())
