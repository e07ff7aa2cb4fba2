"""Private chats: sending a message into both mailboxes, ``random_id`` de-duplication, online delivery.

When A sends to B (https://core.telegram.org/api/updates): A's copy and B's copy each take the next id and
pts of their own box; B's online sessions get ``updateShortMessage`` (or ``updates`` with
``updateNewMessage`` and the sender's ``user`` when B never had a chat with A, so B learns A's access
hash); A's other sessions get the outgoing copy the same way; A's calling session gets
``updateShortSentMessage`` as the result. A message to oneself (Saved Messages) exists once.
A ``random_id`` the sender already used towards the same peer returns the original message and creates
nothing, whatever the repeated call's text: Telegram keeps every used ``random_id`` per account and peer, never
expiring, and answers a repeat with the messages the first call made
(https://core.telegram.org/api/updates#updatemessageid-updates). RANDOM_ID_DUPLICATE is Telegram's answer only
while the first call is still being processed; the sandbox handles one call at a time to completion, so it never
arises here. The same ``random_id`` towards another peer is a new message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tgfleet import errors
from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.forward_origin import ForwardOrigin
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.media import plays
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types

log = logging.getLogger("tgfleet.sandbox")


@dataclass(frozen=True)
class SendOptions:
    """How a message is sent besides its text: ``reply_to`` (an id in the sender's box), ``forward`` (the
    origin: sender and date), ``silent`` (no notification), ``noforwards`` (``protect_content``), ``media``
    (``media.py``; the text is its caption) and ``grouped_id`` (an album's)."""

    reply_to: int | None = None
    forward: ForwardOrigin | None = None
    silent: bool = False
    noforwards: bool = False
    media: Any = None
    grouped_id: int | None = None


PLAIN = SendOptions()

ChatsFor = Callable[[int], list[types.TypeChat]]
"""The chats a message names (a forwarded post's channel), as the viewer of that id sees them."""

MAX_MESSAGE_LENGTH = 4096
"""Telegram's limit for a text message, in UTF-16 code units."""


MAX_CAPTION = 1024
"""Telegram's limit on a media message's caption, in UTF-16 code units."""


def check_caption(text: str) -> None:
    """MEDIA_CAPTION_TOO_LONG above 1024 UTF-16 code units (a caption may be empty)."""
    if len(text.encode("utf-16-le")) // 2 > MAX_CAPTION:
        raise errors.MediaCaptionTooLong()


def check_text(text: str) -> None:
    """MESSAGE_EMPTY for nothing but whitespace, MESSAGE_TOO_LONG above 4096 UTF-16 code units."""
    if not text.strip():
        raise errors.MessageEmpty()
    if len(text.encode("utf-16-le")) // 2 > MAX_MESSAGE_LENGTH:
        raise errors.MessageTooLong()


def updates_for(
    accounts: Accounts, message: SandboxMessage, *, full: bool, now: float, chats: ChatsFor | None = None
) -> types.TypeUpdates:
    """The push that tells ``message``'s owner about it: short form, or ``updates`` carrying the users (for a
    first message, Saved Messages, and what the short form cannot say: a forward's origin, protection, media) and
    the chats it names (``chats``: for its owner; a forwarded post's channel)."""
    tl = message_tl(message)
    short_fits = message.forward is None and not message.noforwards and message.media is None
    if full or message.peer_id == message.owner_id or not short_fits or not isinstance(tl, types.Message):
        return types.Updates(
            updates=[types.UpdateNewMessage(message=tl, pts=message.pts, pts_count=1)],
            users=users_tl(accounts, message_users([message]), message.owner_id, now),
            chats=[] if chats is None else chats(message.owner_id),
            date=message.date,
            seq=0,
        )
    return types.UpdateShortMessage(
        out=message.out,
        id=message.id,
        user_id=message.peer_id,
        message=message.text,
        pts=message.pts,
        pts_count=1,
        date=message.date,
        entities=list(message.entities) or None,
        silent=message.silent,
        fwd_from=tl.fwd_from,
        reply_to=tl.reply_to,
    )


def saved_message(
    accounts: Accounts, message: SandboxMessage, random_id: int, now: float, chats: ChatsFor | None = None
) -> types.TypeUpdates:
    """The result of ``messages.sendMessage`` to the sender's own chat: ``updates`` with the message's id for its
    ``random_id`` and the message itself, as Telegram answers a message to Saved Messages."""
    updates = updates_for(accounts, message, full=True, now=now, chats=chats)
    assert isinstance(updates, types.Updates)
    updates.updates.insert(0, types.UpdateMessageID(id=message.id, random_id=random_id))
    return updates


def sent_message(message: SandboxMessage) -> types.UpdateShortSentMessage:
    """The result of ``messages.sendMessage`` for the sender's calling session."""
    return types.UpdateShortSentMessage(out=True, id=message.id, pts=message.pts, pts_count=1, date=message.date)


def send_private(
    accounts: Accounts,
    pusher: Pusher,
    now: float,
    sender: Account,
    recipient: Account,
    text: str,
    *,
    random_id: int | None = None,
    entities: tuple[Any, ...] = (),
    except_auth_key_id: int | None = None,
    options: SendOptions = PLAIN,
    chats: ChatsFor | None = None,
) -> SandboxMessage:
    """Store ``text`` from ``sender`` to ``recipient`` at ``now`` and push it through ``pusher`` to both
    sides' online sessions (with users from ``accounts``).

    Returns the sender's copy; with a ``random_id`` the sender already used towards ``recipient``, the
    original copy and no new message. ``options``: a reply (the id in the sender's box), a forward's origin,
    silent, protected; ``chats``: the chats the message names (a forwarded post's channel), for each side.
    """
    if random_id is not None and (previous := sender.mailbox.by_random_id(recipient.id, random_id)) is not None:
        log.debug("sendMessage random_id %d of %d repeated: message %d", random_id, sender.id, previous.id)
        return previous
    common = {
        "sender_id": sender.id, "date": int(now), "text": text, "entities": entities, "forward": options.forward,
        "silent": options.silent, "noforwards": options.noforwards, "media": options.media,
        "grouped_id": options.grouped_id, "media_unread": recipient.id != sender.id and plays(options.media),
    }  # fmt: skip
    first_out = not sender.mailbox.has_chat(recipient.id)
    first_in = not recipient.mailbox.has_chat(sender.id)
    out = sender.mailbox.add(
        owner_id=sender.id, peer_id=recipient.id, out=True, random_id=random_id, reply_to=options.reply_to, **common
    )
    if recipient.id != sender.id:
        reply_to = None if options.reply_to is None else sender.mailbox.twin(options.reply_to)
        copy = recipient.mailbox.add(owner_id=recipient.id, peer_id=sender.id, out=False, reply_to=reply_to, **common)
        sender.mailbox.link(out.id, copy.id)
        recipient.mailbox.link(copy.id, out.id)
        pusher.push(recipient.id, updates_for(accounts, copy, full=first_in, now=now, chats=chats))
    own = updates_for(accounts, out, full=first_out, now=now, chats=chats)
    pusher.push(sender.id, own, except_auth_key_id=except_auth_key_id)
    return out
