"""A chat id the client cannot resolve raises what Pyrogram raises (an RPC error: ``except RPCError`` and
``except BadRequest`` catch it), still a ``PeerNotFound`` whose message says what was tried; through a real
client against the sandbox."""

from __future__ import annotations

import pytest

from tgfleet.errors import BadRequest, PeerIdInvalid, PeerNotFound, RPCError, UsernameInvalid, UsernameNotOccupied
from tgfleet.sandbox import Sandbox

from ..client.helpers import logged_in


@pytest.mark.parametrize(
    ("chat_id", "raised", "says"),
    [
        ("@nobody_has_this", UsernameNotOccupied, "@nobody_has_this: USERNAME_NOT_OCCUPIED (tried the peer cache, "
         "then contacts.resolveUsername)"),
        (424242, PeerIdInvalid, "cannot address chat id 424242: it is not in the session's peer cache"),
        ("not a peer!", UsernameInvalid, "'not a peer!' is neither an id, a username, 'me' nor a phone number"),
    ],
)  # fmt: skip
async def test_an_unresolvable_chat_raises_pyrograms_error_saying_what_was_tried(
    tg: Sandbox, chat_id: int | str, raised: type[RPCError], says: str
) -> None:
    alice = tg.add_user(phone="+15557300001", first_name="Alice", dc=1)
    client = await logged_in(tg, alice.phone)
    try:
        with pytest.raises(RPCError) as caught:
            await client.send_message(chat_id, "hi")
        assert type(caught.value) is raised
        assert isinstance(caught.value, BadRequest) and isinstance(caught.value, PeerNotFound)
        assert says in str(caught.value) and caught.value.ID == raised.ID
        assert [m for m in tg.messages_of(alice.id) if m.text == "hi"] == []  # nothing was sent
    finally:
        await client.disconnect()
