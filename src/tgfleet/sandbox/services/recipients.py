"""Who a private message goes to and what it answers, shared by the sends (``messages.py``, ``media.py``):
the recipient with his errors, the reply's id, the new-peer count (PEER_FLOOD, ``peer_limits.py``).
Groups and channels have their own (``chat_messages.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.tl import types

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def recipient(world: World, sender: Account, peer: types.TypeInputPeer) -> Account:
    """The user a message goes to: PEER_ID_INVALID, INPUT_USER_DEACTIVATED, YOU_BLOCKED_USER (the sender blocked
    him), USER_IS_BLOCKED (he blocked the sender)."""
    found = input_peer(world, sender, peer)
    if found.deleted:
        raise errors.InputUserDeactivated()
    if sender.contacts.blocked(found.id):
        raise errors.YouBlockedUser()
    if found.contacts.blocked(sender.id):
        raise errors.UserIsBlocked()
    return found


def count_new_peer(world: World, sender: Account, recipient: Account) -> None:
    """PEER_FLOOD for a message that would start a chat with a non-contact past the day's new peers."""
    new_peer = recipient is not sender and not sender.mailbox.has_chat(recipient.id)
    if new_peer and not sender.contacts.has(recipient.id):
        world.peer_guard.new_peer(sender.id, world.clock())


def private_reply_to(sender: Account, recipient: Account, reply_to: types.TypeInputReplyTo | None) -> int | None:
    """The id (in the sender's box) of the message answered, REPLY_MESSAGE_ID_INVALID when not in that chat."""
    if not isinstance(reply_to, types.InputReplyToMessage):
        return None
    message = sender.mailbox.get(reply_to.reply_to_msg_id)
    if message is None or message.peer_id != recipient.id:
        raise errors.ReplyMessageIdInvalid()
    return message.id
