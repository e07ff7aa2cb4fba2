"""export_chat_invite_link as Pyrogram means it (issue #16), end to end through the sandbox: it makes a new primary
link and the previous one stops working (InviteHashExpired), in a basic group and a supergroup; a member who is
no admin may not export one (ChatAdminRequired)."""

from __future__ import annotations

import pytest

from tgfleet import errors

from .chat_pair import chat_pair
from .helpers import logged_in


async def test_exporting_a_primary_link_revokes_the_previous_one() -> None:
    async with chat_pair() as p:
        carol_user = p.tg.add_user(phone="+15550829901", first_name="Carol", dc=1)
        carol = await logged_in(p.tg, carol_user.phone, "carol")
        try:
            basic = await p.alice.create_group("Basic", p.bob_id)
            supergroup = await p.alice.create_supergroup("Super")
            for chat_id in (basic.id, supergroup.id):
                old = await p.alice.export_chat_invite_link(chat_id)
                assert (await p.alice.get_chat(chat_id)).invite_link == old
                new = await p.alice.export_chat_invite_link(chat_id)
                assert new != old and new.startswith("https://t.me/+")
                assert (await p.alice.get_chat(chat_id)).invite_link == new
                with pytest.raises(errors.InviteHashExpired):
                    await carol.join_chat(old)
                assert (await carol.join_chat(new)).id == chat_id
            await p.alice.add_chat_members(supergroup.id, p.bob_id)
            with pytest.raises(errors.ChatAdminRequired):
                await p.bob.export_chat_invite_link(supergroup.id)
        finally:
            await carol.disconnect()
