"""Telethon's own high-level message calls against the sandbox, unmodified but for address and key: iter_messages
(paging past 100, search, from_user, reverse), get_dialogs (pinned first), edit_message, delete_messages (revoke or
not), forward_messages (a protected message refused), get_messages by ids; Telegram's errors as Telethon's typed
errors."""

from __future__ import annotations

import pytest
from telethon import errors as tl_errors
from telethon import functions as tl_functions
from telethon import types as tl_types

from tgfleet.sandbox import Sandbox

from .helpers import bounded, telethon_client, telethon_login


async def _pair(tg: Sandbox) -> tuple[object, object, int, int]:
    alice = tg.add_user(phone="+15550180001", first_name="Alice", username="alice_tl", dc=1)
    bob = tg.add_user(phone="+15550180002", first_name="Bob", username="bob_tl", dc=1)
    a, b = telethon_client(tg, 1), telethon_client(tg, 1)
    await telethon_login(a, tg, alice.phone)
    await telethon_login(b, tg, bob.phone)
    return a, b, alice.id, bob.id


async def test_iter_messages_and_get_messages() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, alice_id, bob_id = await _pair(tg)
        for n in range(120):
            tg.world.send_message(bob_id, alice_id, f"m{n}")
        await bounded(a.send_message("bob_tl", "apple from alice"))
        texts = [m.text async for m in a.iter_messages("bob_tl")]
        assert texts == ["apple from alice"] + [f"m{n}" for n in reversed(range(120))]
        assert [m.text async for m in a.iter_messages("bob_tl", limit=3, reverse=True)] == ["m0", "m1", "m2"]
        assert [m.text async for m in a.iter_messages("bob_tl", search="apple")] == ["apple from alice"]
        from_bob = [m.text async for m in a.iter_messages("bob_tl", from_user="bob_tl", limit=2)]
        assert from_bob == ["m119", "m118"]
        newest = await bounded(a.get_messages("bob_tl", limit=1))
        assert newest.total == 121
        by_id = await bounded(a.get_messages("bob_tl", ids=[newest[0].id, 99999]))
        assert by_id[0].text == "apple from alice" and by_id[1] is None
        await a.disconnect()
        await b.disconnect()


async def test_get_dialogs_edit_delete_forward() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, alice_id, bob_id = await _pair(tg)
        sent = await bounded(a.send_message("bob_tl", "draft"))
        await bounded(a.send_message("me", "note"))
        bob_peer = await bounded(a.get_input_entity("bob_tl"))
        await bounded(a(tl_functions.messages.ToggleDialogPinRequest(peer=bob_peer, pinned=True)))
        dialogs = await bounded(a.get_dialogs())
        assert [d.entity.id for d in dialogs][:2] == [bob_id, alice_id] and dialogs[0].pinned
        assert dialogs[0].message.text == "draft"

        edited = await bounded(a.edit_message("bob_tl", sent.id, "final"))
        assert edited.text == "final" and edited.edit_date is not None
        bob_copy = (await bounded(b.get_messages("alice_tl", limit=1)))[0]
        assert bob_copy.text == "final"
        with pytest.raises(tl_errors.MessageNotModifiedError):
            await bounded(a.edit_message("bob_tl", sent.id, "final"))
        with pytest.raises(tl_errors.MessageIdInvalidError):
            await bounded(a.edit_message("bob_tl", 99999, "nothing"))

        forwarded = await bounded(a.forward_messages("me", sent.id, "bob_tl"))
        assert forwarded.text == "final" and forwarded.fwd_from is not None
        secret = await bounded(a.send_message("bob_tl", "secret"))
        await bounded(a(tl_functions.messages.SendMessageRequest(peer=bob_peer, message="protected", noforwards=True)))
        protected = (await bounded(a.get_messages("bob_tl", limit=1)))[0]
        assert protected.noforwards
        with pytest.raises(tl_errors.ChatForwardsRestrictedError):
            await bounded(a.forward_messages("me", protected.id, "bob_tl"))

        affected = await bounded(a.delete_messages("bob_tl", [secret.id], revoke=False))
        assert affected[0].pts_count == 1
        assert "secret" in [m.text async for m in b.iter_messages("alice_tl")]  # bob's copy stays
        await bounded(a.delete_messages("bob_tl", [sent.id]))  # revoke: both sides
        assert "final" not in [m.text async for m in b.iter_messages("alice_tl")]
        assert isinstance(bob_peer, tl_types.InputPeerUser)
        await a.disconnect()
        await b.disconnect()
