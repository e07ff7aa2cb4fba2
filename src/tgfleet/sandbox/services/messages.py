"""Sending into a private chat: ``messages.sendMessage`` and ``messages.forwardMessages``.

- sendMessage: PEER_ID_INVALID (unknown peer, wrong access hash, non-user peers), INPUT_USER_DEACTIVATED (a
  deleted user), YOU_BLOCKED_USER / USER_IS_BLOCKED (a block either way, ``services/address_book.py``),
  MESSAGE_EMPTY, MESSAGE_TOO_LONG (> 4096 UTF-16 code units), REPLY_MESSAGE_ID_INVALID for a reply to
  a message not in that chat, PEER_FLOOD for a message that would start a chat with a non-contact past the day's
  new peers (``peer_limits.py``); ``inputPeerSelf`` is Saved Messages; ``silent`` and ``noforwards``
  (``protect_content``) are kept with the message; the result is ``updateShortSentMessage``; a ``random_id``
  repeated towards the same peer returns the original message, never a second one nor RANDOM_ID_DUPLICATE
  (Telegram's answer only while the first call is in progress; see ``chats``). A ``schedule_date`` keeps the message
  to be sent then (``services/scheduled.py``). Media are not modelled.
- forwardMessages: the messages of ``from_peer`` by id, in the order given, as new messages of ``to_peer`` with
  their origin (the first sender and date; ``drop_author``: as plain copies); ids that are not there are skipped,
  MESSAGE_ID_INVALID when none is; RANDOM_ID_INVALID unless there is one ``random_id`` per id (at most 100);
  CHAT_FORWARDS_RESTRICTED when one of them is protected (sent with ``noforwards``); the answer is ``updates``
  with ``updateMessageID`` and ``updateNewMessage`` for each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.bots import check_bot_message
from tgfleet.sandbox.chats import SendOptions, check_text, saved_message, send_private, sent_message
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import send_into
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.services.scheduled import schedule
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_FORWARD = 100


def _recipient(world: World, sender: Account, peer: types.TypeInputPeer) -> Account:
    """The user a message goes to: PEER_ID_INVALID, INPUT_USER_DEACTIVATED, YOU_BLOCKED_USER (the sender blocked
    him), USER_IS_BLOCKED (he blocked the sender)."""
    recipient = input_peer(world, sender, peer)
    if recipient.deleted:
        raise errors.InputUserDeactivated()
    if sender.contacts.blocked(recipient.id):
        raise errors.YouBlockedUser()
    if recipient.contacts.blocked(sender.id):
        raise errors.UserIsBlocked()
    return recipient


def _count_new_peer(world: World, sender: Account, recipient: Account) -> None:
    """PEER_FLOOD for a message that would start a chat with a non-contact past the day's new peers."""
    new_peer = recipient is not sender and not sender.mailbox.has_chat(recipient.id)
    if new_peer and not sender.contacts.has(recipient.id):
        world.peer_guard.new_peer(sender.id, world.clock())


def _reply_to(sender: Account, recipient: Account, reply_to: types.TypeInputReplyTo | None) -> int | None:
    if not isinstance(reply_to, types.InputReplyToMessage):
        return None
    message = sender.mailbox.get(reply_to.reply_to_msg_id)
    if message is None or message.peer_id != recipient.id:
        raise errors.ReplyMessageIdInvalid()
    return message.id


async def send_message(world: World, ctx: CallContext, request: f_messages.SendMessage) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if (chat := chat_of(world, sender, request.peer)) is not None:
        if request.schedule_date is not None:  # scheduled posts into groups and channels: not modelled yet
            raise errors.ScheduleDateInvalid()
        return await send_into(world, ctx, sender, chat, request)
    recipient = _recipient(world, sender, request.peer)
    check_bot_message(sender.bot, recipient.bot)
    check_text(request.message)
    reply_to = _reply_to(sender, recipient, request.reply_to)
    _count_new_peer(world, sender, recipient)
    options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards)
    if request.schedule_date is not None:
        return schedule(world, ctx, sender, recipient, request, options)
    message = send_private(
        world.accounts,
        world.pusher,
        world.clock(),
        sender,
        recipient,
        request.message,
        random_id=request.random_id,
        entities=tuple(request.entities or ()),
        except_auth_key_id=ctx.auth_key_id,
        options=options,
    )
    if recipient.id == sender.id:  # Saved Messages: Telegram answers with the full updates (Pyrogram relies on it)
        return saved_message(world.accounts, message, request.random_id, world.clock())
    return sent_message(message)


def _originals(sender: Account, source: Account, ids: list[int]) -> list[SandboxMessage]:
    found = [m for i in ids if (m := sender.mailbox.get(i)) is not None and m.peer_id == source.id]
    if not found:
        raise errors.MessageIdInvalid()
    if any(m.noforwards for m in found):
        raise errors.ChatForwardsRestricted()
    return found


async def forward_messages(world: World, ctx: CallContext, request: f_messages.ForwardMessages) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if request.schedule_date is not None:
        raise errors.ScheduleDateInvalid()
    if not request.id or len(request.id) != len(request.random_id) or len(request.id) > MAX_FORWARD:
        raise errors.RandomIdInvalid()
    source = input_peer(world, sender, request.from_peer)
    originals = _originals(sender, source, list(request.id))
    recipient = _recipient(world, sender, request.to_peer)
    _count_new_peer(world, sender, recipient)
    random_ids = dict(zip(request.id, request.random_id, strict=True))
    now = world.clock()
    updates: list[types.TypeUpdate] = []
    sent: list[SandboxMessage] = []
    for original in originals:
        origin = original.forward or (original.sender_id, original.date)
        options = SendOptions(forward=None if request.drop_author else origin, silent=request.silent,
                              noforwards=request.noforwards, media=original.media)  # fmt: skip
        random_id = random_ids[original.id]
        message = send_private(
            world.accounts, world.pusher, now, sender, recipient, original.text, random_id=random_id,
            entities=original.entities, except_auth_key_id=ctx.auth_key_id, options=options,
        )  # fmt: skip
        sent.append(message)
        updates.append(types.UpdateMessageID(id=message.id, random_id=random_id))
        updates.append(types.UpdateNewMessage(message=message_tl(message), pts=message.pts, pts_count=1))
    users = users_tl(world.accounts, [sender.id, *message_users(sent)], sender.id, now)
    return types.Updates(updates=updates, users=users, chats=[], date=int(now), seq=0)


HANDLERS: dict[type, ServiceFn] = {
    f_messages.SendMessage: send_message,
    f_messages.ForwardMessages: forward_messages,
}
