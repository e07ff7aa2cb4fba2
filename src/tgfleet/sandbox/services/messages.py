"""Sending into a private chat: ``messages.sendMessage`` and ``messages.forwardMessages``.

- sendMessage: PEER_ID_INVALID (unknown peer, wrong access hash, non-user peers), INPUT_USER_DEACTIVATED (a
  deleted user), YOU_BLOCKED_USER / USER_IS_BLOCKED (a block either way, ``services/address_book.py``),
  MESSAGE_EMPTY, MESSAGE_TOO_LONG (> 4096 UTF-16 code units), REPLY_MESSAGE_ID_INVALID for a reply to
  a message not in that chat, PEER_FLOOD for a message that would start a chat with a non-contact past the day's
  new peers (``peer_limits.py``); ``inputPeerSelf`` is Saved Messages; ``silent`` and ``noforwards``
  (``protect_content``) are kept with the message; the result is ``updateShortSentMessage``; a ``random_id``
  repeated towards the same peer returns the original message, never a second one nor RANDOM_ID_DUPLICATE
  (Telegram's answer only while the first call is in progress; see ``chats``). A ``schedule_date`` keeps the message
  to be sent then (``services/scheduled.py``), in a private chat, a group or a channel.
- forwardMessages (from and to users, basic groups and channels; into a chat by its sending rules,
  ``chat_messages.py``): the messages of ``from_peer`` by id, in the order given, as new messages of ``to_peer`` with
  their origin (``forward_origin.py``: the first sender, or a broadcast channel and its post, and the date;
  ``drop_author``: as plain copies); ids that are not there are skipped,
  MESSAGE_ID_INVALID when none is; RANDOM_ID_INVALID unless there is one ``random_id`` per id (at most 100);
  CHAT_FORWARDS_RESTRICTED when one of them is protected (sent with ``noforwards``, or its chat's content is:
  ``services/group_changes.py``); the answer is ``updates``
  with ``updateMessageID`` and ``updateNewMessage`` for each; a broadcast post forwarded counts it (its
  ``forwards``). A ``schedule_date`` keeps the forwards, each with its
  origin, to be sent then (``services/scheduled.py``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.bots import check_bot_message
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chats import SendOptions, check_text, saved_message, send_private, sent_message
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.forward_origin import ForwardOrigin
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn, recipients
from tgfleet.sandbox.services.chat_messages import into_options, may_send, merged, post, send_into
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.services.scheduled import Draft, named_chats, schedule, schedule_all
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_FORWARD = 100


async def send_message(world: World, ctx: CallContext, request: f_messages.SendMessage) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if (chat := chat_of(world, sender, request.peer)) is not None:
        if request.schedule_date is not None:
            return schedule(world, ctx, sender, chat.marked_id, request, into_options(world, sender, chat, request))
        return await send_into(world, ctx, sender, chat, request)
    recipient = recipients.recipient(world, sender, request.peer)
    check_bot_message(sender.bot, recipient.bot)
    check_text(request.message)
    reply_to = recipients.private_reply_to(sender, recipient, request.reply_to)
    recipients.count_new_peer(world, sender, recipient)
    options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards)
    if request.schedule_date is not None:
        return schedule(world, ctx, sender, recipient.id, request, options)
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


def _originals(
    world: World, sender: Account, peer: types.TypeInputPeer, ids: list[int]
) -> tuple[list[SandboxMessage], BasicGroup | Channel | None]:
    """The messages of ``peer`` (a user's chat, a basic group's copies in the sender's box, a channel's box) by id,
    in the order given, and their chat (None: a private one): MESSAGE_ID_INVALID for none of them,
    CHAT_FORWARDS_RESTRICTED for a protected one."""
    chat = chat_of(world, sender, peer)
    if isinstance(chat, Channel):
        box, peer_id = chat.box, chat.marked_id
    else:
        box, peer_id = sender.mailbox, input_peer(world, sender, peer).id if chat is None else chat.marked_id
    found = [m for i in ids if (m := box.get(i)) is not None and m.peer_id == peer_id]
    if not found:
        raise errors.MessageIdInvalid()
    if any(m.noforwards for m in found) or (chat is not None and chat.noforwards):
        raise errors.ChatForwardsRestricted()
    return found, chat


def _origin(original: SandboxMessage, source: BasicGroup | Channel | None) -> ForwardOrigin:
    """Where a forward of ``original`` (a message of ``source``) comes from: its own first origin (an automatic
    forward's post, no longer automatic), a broadcast channel's post, or its sender."""
    if original.forward is not None:
        return dataclasses.replace(original.forward, automatic=False)
    if isinstance(source, Channel) and not source.megagroup:
        return ForwardOrigin(source.marked_id, original.date, original.id)
    return ForwardOrigin(original.sender_id, original.date)


def _draft(
    original: SandboxMessage, source: BasicGroup | Channel | None, random_id: int, request: f_messages.ForwardMessages
) -> Draft:
    """The forward of ``original``: its text, entities and media, its first origin (none with ``drop_author``)."""
    origin = None if request.drop_author else _origin(original, source)
    options = SendOptions(forward=origin, silent=request.silent, noforwards=request.noforwards, media=original.media)
    return Draft(original.text, original.entities, random_id, options)


async def forward_messages(world: World, ctx: CallContext, request: f_messages.ForwardMessages) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if not request.id or len(request.id) != len(request.random_id) or len(request.id) > MAX_FORWARD:
        raise errors.RandomIdInvalid()
    originals, source = _originals(world, sender, request.from_peer, list(request.id))
    if (chat := chat_of(world, sender, request.to_peer)) is not None:
        may_send(world, chat, sender)
    else:
        recipient = recipients.recipient(world, sender, request.to_peer)
        recipients.count_new_peer(world, sender, recipient)
    random_ids = dict(zip(request.id, request.random_id, strict=True))
    drafts = [_draft(original, source, random_ids[original.id], request) for original in originals]
    if request.schedule_date is not None:
        marked = chat.marked_id if chat is not None else recipient.id
        return schedule_all(world, ctx, sender, marked, request.schedule_date, drafts)
    answers: list[types.Updates] = []
    for original, draft in zip(originals, drafts, strict=True):
        options, random_id = draft.options, draft.random_id
        if chat is not None:
            answers.append(post(world, ctx, sender, chat, original.text, random_id, original.entities, options)[1])
            continue
        named = named_chats(world, [] if options.forward is None else [options.forward.peer_id])
        message = send_private(
            world.accounts, world.pusher, world.clock(), sender, recipient, original.text, random_id=random_id,
            entities=original.entities, except_auth_key_id=ctx.auth_key_id, options=options, chats=named,
        )  # fmt: skip
        answer = saved_message(world.accounts, message, random_id, world.clock(), named)
        assert isinstance(answer, types.Updates)  # the full form, always
        answers.append(answer)
    if isinstance(source, Channel):  # a broadcast post counts its forwards (Channel.forwards)
        for original in originals:
            if source.counters(original.id) is not None:
                source.forwards[original.id] = source.forwards.get(original.id, 0) + 1
    return merged(answers)


HANDLERS: dict[type, ServiceFn] = {
    f_messages.SendMessage: send_message,
    f_messages.ForwardMessages: forward_messages,
}
