# contacts: import the other account by its number, list and count the contacts, get_users, rename it with
# add_contact, block and unblock it (a message to a blocked user is refused), the blocked listing, delete_contacts.
import asyncio
import os

from pyrogram import Client
from pyrogram.errors import YouBlockedUser
from pyrogram.types import InputPhoneContact


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        peer_id = int(os.environ["PEER_ID"])
        result = await app.import_contacts(
            [
                InputPhoneContact(os.environ["PEER_PHONE"], "Buddy", "Contact"),
                InputPhoneContact("+19990001234", "Nobody"),
            ]
        )
        print("imported", [i.user_id == peer_id for i in result.imported], result.retry_contacts)
        for user in await app.get_contacts():
            print(user.first_name, user.last_name, user.is_contact, user.is_mutual_contact, user.phone_number)
        print("count", await app.get_contacts_count())
        user = await app.get_users(peer_id)
        print(
            "user",
            user.first_name,
            user.is_contact,
            user.phone_number,
            [u.id == peer_id for u in await app.get_users([peer_id, "me"])][:1],
        )
        renamed = await app.add_contact(peer_id, "Best", "Friend")
        print("renamed", renamed.first_name, renamed.last_name, renamed.is_contact)
        print("blocked", await app.block_user(peer_id))
        async for chat in app.get_blocked_message_senders():
            print("on the list", chat.id == peer_id, chat.first_name)
        try:
            await app.send_message(peer_id, "while blocked")
        except YouBlockedUser as e:
            print("refused", e.ID)
        print("unblocked", await app.unblock_user(peer_id))
        print("still on the list", [chat.id async for chat in app.get_blocked_message_senders()])
        await app.send_message(peer_id, "after the unblock")
        deleted = await app.delete_contacts(peer_id)
        print("deleted", deleted.first_name, deleted.is_contact, await app.get_contacts_count())
        print("again", await app.delete_contacts([peer_id]))


asyncio.run(main())
