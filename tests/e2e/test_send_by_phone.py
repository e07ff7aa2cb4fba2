"""send_message to a phone number: the client resolves it with contacts.resolvePhone once (the answer carries
the number, so the peer cache knows it from then on), and a number nobody has raises PeerNotFound saying what
was tried. The sandbox's rule (services/contacts.py): every registered number can be found by every logged-in
account, Telegram's default "Who can find me by my number: Everybody"."""

from __future__ import annotations

import pytest

from tgfleet.errors import PeerNotFound, PhoneNotOccupied, PhoneNumberInvalid
from tgfleet.tl import functions, types

from ..client.helpers import logged_in
from .helpers import recording, sandbox


async def test_send_to_a_contacts_phone_number() -> None:
    async with sandbox(dcs=2) as tg:
        world = recording(tg)
        alice = tg.add_user(phone="+15554000001", first_name="Alice", dc=2)
        bob = tg.add_user(phone="+15554000002", first_name="Bob", dc=1)  # another DC: no matter
        client = await logged_in(tg, alice.phone)
        mark = len(world.calls)

        first = await client.send_message("+1 555 400-0002", "hi")
        second = await client.send_message("+15554000002", "hi again")
        assert first.chat.id == second.chat.id == bob.id
        resolved = [name for _, name in world.calls[mark:] if name.startswith("contacts.")]
        assert resolved == ["contacts.resolvePhone"]  # the second send found the number in the peer cache
        assert [m.text for m in tg.messages_of(bob.id, alice.id)] == ["hi", "hi again"]
        await client.disconnect()


@pytest.mark.parametrize(
    ("phone", "error"), [("+15554999999", "PHONE_NOT_OCCUPIED"), ("+1234567890123456789", "PHONE_NUMBER_INVALID")]
)
async def test_an_unknown_phone_raises_peer_not_found(phone: str, error: str) -> None:
    async with sandbox(dcs=1) as tg:
        alice = tg.add_user(phone="+15554000011", first_name="Alice", dc=1)
        client = await logged_in(tg, alice.phone)
        with pytest.raises(PeerNotFound) as missing:
            await client.send_message(phone, "hi")
        message = str(missing.value)
        assert phone in message and error in message
        assert "peer cache" in message and "contacts.resolvePhone" in message  # what was tried
        assert [m for m in tg.messages_of(alice.id) if m.text == "hi"] == []  # nothing was sent
        await client.disconnect()


async def test_resolve_phone_on_the_wire() -> None:
    async with sandbox(dcs=1) as tg:
        alice = tg.add_user(phone="+15554000021", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15554000022", first_name="Bob", username="bob_phone", dc=1)
        client = await logged_in(tg, alice.phone)
        resolved = await client.invoke(functions.contacts.ResolvePhone(phone="+1 (555) 400-0022"))
        assert isinstance(resolved.peer, types.PeerUser) and resolved.peer.user_id == bob.id
        [user] = resolved.users
        assert isinstance(user, types.User)
        assert (user.id, user.access_hash, user.phone, user.username) == (
            bob.id,
            bob.access_hash(alice.id),
            bob.phone,
            "bob_phone",
        )
        with pytest.raises(PhoneNotOccupied):
            await client.invoke(functions.contacts.ResolvePhone(phone="+15554999999"))
        with pytest.raises(PhoneNumberInvalid):
            await client.invoke(functions.contacts.ResolvePhone(phone="12"))
        # elsewhere Bob's number stays hidden from Alice
        [seen] = await client.invoke(
            functions.users.GetUsers(id=[types.InputUser(user_id=bob.id, access_hash=bob.access_hash(alice.id))])
        )
        assert isinstance(seen, types.User) and seen.phone is None
        await client.disconnect()
