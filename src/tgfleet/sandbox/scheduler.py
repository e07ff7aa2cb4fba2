"""``Scheduler``: which scheduled messages fall due when, and sending them (``World.deliver_scheduled``).

At its date a scheduled message becomes a real message of its chat, sent as any other (a private one by
``send_due``: ``chats.send_private``, the recipient's ``updateShortMessage`` / ``updates``, the sender's copy to his
sessions; one into a group or channel by ``services/scheduled.py``, which ``World`` hands in as ``send``), and its
owner's sessions get ``updateDeleteScheduledMessages`` naming the message it became (``sent_messages``);
https://core.telegram.org/api/scheduled-messages. One that can no longer be sent (a block either way, a deleted
account, an owner no longer allowed to post) is dropped with the same update and no ``sent_messages``.
The sandbox's server asks for due messages every :data:`TICK` seconds of real time, reading the world's clock
(a fake one in tests), and tests may call ``World.deliver_scheduled`` themselves. A scheduled album's messages
share a date and go out one after the other in the order they were scheduled, keeping their ``grouped_id``; a
scheduled forward goes out with its origin (``options_of``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.chats import ChatsFor, SendOptions, send_private
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.scheduled import ScheduledMessage
from tgfleet.sandbox.views import peer_of
from tgfleet.tl import types

TICK = 0.5
"""Seconds between the server's looks for due scheduled messages."""


class Scheduler:
    """A heap of ``(date, owner id, scheduled id)``; entries of messages deleted meanwhile are skipped."""

    def __init__(self) -> None:
        self._due: list[tuple[int, int, int]] = []

    def add(self, message: ScheduledMessage) -> None:
        heapq.heappush(self._due, (message.date, message.owner_id, message.id))

    def deliver(self, accounts: Accounts, send: Callable[[Account, ScheduledMessage], int], now: float) -> int:
        """Send every scheduled message whose date has come (``send``: one, taken out of its owner's box; 1 if sent,
        0 if dropped); how many were sent."""
        sent = 0
        while self._due and self._due[0][0] <= now:
            _, owner_id, message_id = heapq.heappop(self._due)
            owner = accounts.get(owner_id)
            waiting = None if owner is None else owner.scheduled.take(message_id)
            if owner is not None and waiting is not None:
                sent += send(owner, waiting)
        return sent


def send_due(
    accounts: Accounts, pusher: Pusher, now: float, owner: Account, message: ScheduledMessage,
    chats: ChatsFor | None = None,
) -> int:  # fmt: skip
    """Send one scheduled private message now (already taken out of the owner's box; ``chats``: those it names, as
    ``send_private`` takes them); 1 if sent, 0 if dropped."""
    recipient = accounts.get(message.peer_id)
    sendable = recipient is not None and not recipient.deleted and not owner.deleted
    if recipient is not None and sendable:
        sendable = not owner.contacts.blocked(recipient.id) and not recipient.contacts.blocked(owner.id)
    sent_ids: list[int] | None = None
    if recipient is not None and sendable:
        out = send_private(
            accounts, pusher, now, owner, recipient, message.text, random_id=message.random_id,
            entities=message.entities, options=options_of(message), chats=chats,
        )  # fmt: skip
        sent_ids = [out.id]
    return announce_due(pusher, now, owner, message, None if sent_ids is None else sent_ids[0])


def options_of(message: ScheduledMessage) -> SendOptions:
    """How a scheduled message is sent at its date: its reply, flags, media, album and forward's origin."""
    return SendOptions(
        reply_to=message.reply_to, forward=message.forward, silent=message.silent, noforwards=message.noforwards,
        media=message.media, grouped_id=message.grouped_id,
    )  # fmt: skip


def announce_due(pusher: Pusher, now: float, owner: Account, message: ScheduledMessage, sent_id: int | None) -> int:
    """Tell the owner's sessions the scheduled message is gone (as ``sent_id``, or dropped); 1 if it was sent."""
    gone = types.UpdateDeleteScheduledMessages(
        peer=peer_of(message.peer_id), messages=[message.id], sent_messages=None if sent_id is None else [sent_id]
    )
    pusher.push(owner.id, types.UpdateShort(update=gone, date=int(now)))
    return 0 if sent_id is None else 1
