"""``ScheduleBox``: one account's scheduled messages, not sent yet (``Account.scheduled``;
https://core.telegram.org/api/scheduled-messages).

Scheduled messages have ids of their own, one sequence per account, apart from the box's message ids; each waits
in the chat it was sent to until its date, when ``scheduler.py`` sends it as a real message. Bounded:
:data:`MAX_PER_CHAT` per chat (SCHEDULE_TOO_MUCH beyond, ``services/scheduled.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgfleet.sandbox.forward_origin import ForwardOrigin

MAX_PER_CHAT = 100
"""Scheduled messages one chat may hold (Telegram's limit, as its apps show it)."""


@dataclass(frozen=True)
class ScheduledMessage:
    """A message waiting to be sent at ``date`` from ``owner_id`` into ``peer_id`` (a marked id: a user, a basic
    group or a channel), with its ``media`` if it has one, the album it belongs to (``grouped_id``, kept when it is
    sent) and, for a scheduled forward, the origin it is sent with (``forward``: as ``SendOptions.forward``)."""

    id: int
    owner_id: int
    peer_id: int
    date: int
    text: str
    entities: tuple[Any, ...] = ()
    random_id: int | None = None
    reply_to: int | None = None
    silent: bool = False
    noforwards: bool = False
    media: Any = None  # SandboxMedia (media.py)
    grouped_id: int | None = None
    forward: ForwardOrigin | None = None


class ScheduleBox:
    """The scheduled messages of one account, by their own ids."""

    def __init__(self) -> None:
        self._next_id = 1
        self._messages: dict[int, ScheduledMessage] = {}

    def add(self, **fields: Any) -> ScheduledMessage:
        """Keep a new scheduled message (``fields``: those of :class:`ScheduledMessage` after ``id``)."""
        message = ScheduledMessage(id=self._next_id, **fields)
        self._next_id += 1
        self._messages[message.id] = message
        return message

    def take(self, message_id: int) -> ScheduledMessage | None:
        """Remove a scheduled message (sent or deleted); None if it is not (or no longer) there."""
        return self._messages.pop(message_id, None)

    def get(self, message_id: int) -> ScheduledMessage | None:
        return self._messages.get(message_id)

    def in_chat(self, peer_id: int) -> list[ScheduledMessage]:
        """The chat's scheduled messages, the latest date first."""
        found = [m for m in self._messages.values() if m.peer_id == peer_id]
        return sorted(found, key=lambda m: (m.date, m.id), reverse=True)

    def by_random_id(self, peer_id: int, random_id: int) -> ScheduledMessage | None:
        return next((m for m in self._messages.values() if (m.peer_id, m.random_id) == (peer_id, random_id)), None)
