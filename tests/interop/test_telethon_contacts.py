"""Telethon's own contact and profile calls against the sandbox, unmodified but for address and key:
ImportContactsRequest and GetContactsRequest (the number visible to the importer, hidden from others by the default
"My contacts" privacy), get_entity by the contact's number, UpdateProfileRequest / UpdateUsernameRequest seen by
another account, BlockRequest refusing messages; Telegram's errors as Telethon's typed errors."""

from __future__ import annotations

import pytest

pytest.importorskip("telethon", minversion="1.45")

from telethon import errors as tl_errors
from telethon import functions as tl_functions
from telethon import types as tl_types

from tgfleet.sandbox import Sandbox

from .helpers import bounded, telethon_client, telethon_login


async def test_import_get_contacts_profile_and_block_with_telethon() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550190011", first_name="Alice", username="alice_tc", dc=1)
        bob = tg.add_user(phone="+15550190012", first_name="Bob", username="bob_tc", dc=1)
        carol = tg.add_user(phone="+15550190013", first_name="Carol", dc=1)
        a, b, c = telethon_client(tg, 1), telethon_client(tg, 1), telethon_client(tg, 1)
        await telethon_login(a, tg, alice.phone)
        await telethon_login(b, tg, bob.phone)
        await telethon_login(c, tg, carol.phone)
        try:
            wanted = tl_types.InputPhoneContact(client_id=7, phone=f"+{bob.phone}", first_name="Robert", last_name="")
            imported = await bounded(a(tl_functions.contacts.ImportContactsRequest(contacts=[wanted])))
            assert [(i.user_id, i.client_id) for i in imported.imported] == [(bob.id, 7)]
            contacts = await bounded(a(tl_functions.contacts.GetContactsRequest(hash=0)))
            assert [(u.id, u.first_name, u.phone, u.contact) for u in contacts.users] == [
                (bob.id, "Robert", bob.phone, True)
            ]
            by_number = await bounded(a.get_entity(f"+{bob.phone}"))
            assert by_number.id == bob.id
            unchanged = await bounded(a(tl_functions.contacts.GetContactsRequest(hash=_hash(contacts))))
            assert isinstance(unchanged, tl_types.contacts.ContactsNotModified)

            me = await bounded(b(tl_functions.account.UpdateProfileRequest(first_name="Bobby", about="hello")))
            assert me.first_name == "Bobby"
            await bounded(b(tl_functions.account.UpdateUsernameRequest(username="bobby_tc")))
            seen = await bounded(c.get_entity("bobby_tc"))
            assert (seen.id, seen.first_name, seen.phone) == (bob.id, "Bobby", None)  # carol is not his contact
            full = await bounded(c(tl_functions.users.GetFullUserRequest(id=seen)))
            assert full.full_user.about == "hello"
            with pytest.raises(tl_errors.UsernameNotOccupiedError):  # the old name is free
                await bounded(c(tl_functions.contacts.ResolveUsernameRequest(username="bob_tc")))
            with pytest.raises(tl_errors.UsernameOccupiedError):
                await bounded(c(tl_functions.account.UpdateUsernameRequest(username="alice_tc")))

            assert await bounded(
                b(tl_functions.contacts.BlockRequest(id=await bounded(b.get_input_entity("alice_tc"))))
            )
            with pytest.raises(tl_errors.UserIsBlockedError):
                await bounded(a.send_message(bob.id, "blocked?"))
            blocked = await bounded(b(tl_functions.contacts.GetBlockedRequest(offset=0, limit=10)))
            assert [p.peer_id.user_id for p in blocked.blocked] == [alice.id]
        finally:
            for client in (a, b, c):
                await client.disconnect()


def _hash(contacts: tl_types.contacts.Contacts) -> int:
    """Telegram's list hash over the contacts' ids (https://core.telegram.org/api/offsets#hash-generation)."""
    value = 0
    for user_id in sorted(c.user_id for c in contacts.contacts):
        value ^= value >> 21
        value ^= (value << 35) & 0xFFFFFFFFFFFFFFFF
        value ^= value >> 4
        value = (value + user_id) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value
