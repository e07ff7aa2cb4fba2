"""One account's mailbox: its own message id sequence, its common ``pts`` and its private dialogs.

Like Telegram's private chats and basic groups (https://core.telegram.org/api/updates): every account
numbers the messages it holds 1, 2, 3, ... (a message between A and B exists twice, with A's id in A's box
and B's id in B's box), and every new message advances the owner's ``pts`` by ``pts_count = 1``. The event
log keeps which pts brought which message, so ``updates.getDifference`` can replay any range exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

INITIAL_PTS = 1
"""The pts of an account that has received nothing yet."""


@dataclass(frozen=True)
class SandboxMessage:
    """A message as stored in its owner's box (``id`` and ``pts`` are the owner's)."""

    id: int
    owner_id: int
    peer_id: int
    """The other side of the private chat (the owner himself for Saved Messages)."""
    out: bool
    sender_id: int
    date: int
    text: str
    pts: int
    entities: tuple[Any, ...] = ()
    random_id: int | None = None


@dataclass(frozen=True)
class SandboxDialog:
    """A private chat as its owner sees it."""

    peer_id: int
    top_message: int
    unread_count: int
    read_inbox_max_id: int
    read_outbox_max_id: int


@dataclass
class _Chat:
    message_ids: list[int] = field(default_factory=list)
    unread: int = 0
    read_inbox_max_id: int = 0
    read_outbox_max_id: int = 0


class Mailbox:
    """Messages, pts and dialogs of one account."""

    def __init__(self) -> None:
        self.pts = INITIAL_PTS
        self._messages: list[SandboxMessage] = []  # id == index + 1
        self._chats: dict[int, _Chat] = {}
        self._event_pts: list[int] = []
        self._event_msg: list[int] = []
        self._random_ids: dict[tuple[int, int], int] = {}  # (peer, random_id) -> message id

    def add(
        self,
        *,
        owner_id: int,
        peer_id: int,
        out: bool,
        sender_id: int,
        date: int,
        text: str,
        entities: tuple[Any, ...] = (),
        random_id: int | None = None,
    ) -> SandboxMessage:
        """Store a new message: next id, ``pts += 1``; an incoming one counts as unread."""
        self.pts += 1
        message = SandboxMessage(
            id=len(self._messages) + 1,
            owner_id=owner_id,
            peer_id=peer_id,
            out=out,
            sender_id=sender_id,
            date=date,
            text=text,
            pts=self.pts,
            entities=entities,
            random_id=random_id,
        )
        self._messages.append(message)
        chat = self._chats.setdefault(peer_id, _Chat())
        chat.message_ids.append(message.id)
        if not out:
            chat.unread += 1
        self._event_pts.append(self.pts)
        self._event_msg.append(message.id)
        if random_id is not None:
            self._random_ids[peer_id, random_id] = message.id
        return message

    def get(self, message_id: int) -> SandboxMessage | None:
        return self._messages[message_id - 1] if 0 < message_id <= len(self._messages) else None

    def message(self, message_id: int) -> SandboxMessage:
        found = self.get(message_id)
        if found is None:
            raise KeyError(f"no message {message_id} in this box")
        return found

    def by_random_id(self, peer_id: int, random_id: int) -> SandboxMessage | None:
        """The message this box's owner sent to ``peer_id`` with ``random_id``, if any."""
        message_id = self._random_ids.get((peer_id, random_id))
        return None if message_id is None else self._messages[message_id - 1]

    def has_chat(self, peer_id: int) -> bool:
        return peer_id in self._chats

    def all_messages(self) -> list[SandboxMessage]:
        return list(self._messages)

    def history(self, peer_id: int) -> list[SandboxMessage]:
        """The chat with ``peer_id``, oldest first."""
        chat = self._chats.get(peer_id)
        return [] if chat is None else [self._messages[i - 1] for i in chat.message_ids]

    def events_after(self, pts: int, limit: int) -> list[SandboxMessage]:
        """The messages that brought pts above ``pts``, in pts order, at most ``limit``."""
        start = bisect.bisect_right(self._event_pts, pts)
        return [self._messages[i - 1] for i in self._event_msg[start : start + limit]]

    def dialogs(self) -> list[SandboxDialog]:
        """All chats, the one with the newest message first."""
        found = [
            SandboxDialog(
                peer_id=peer_id,
                top_message=chat.message_ids[-1],
                unread_count=chat.unread,
                read_inbox_max_id=chat.read_inbox_max_id,
                read_outbox_max_id=chat.read_outbox_max_id,
            )
            for peer_id, chat in self._chats.items()
        ]
        return sorted(found, key=lambda d: d.top_message, reverse=True)

    def unread_count(self) -> int:
        return sum(chat.unread for chat in self._chats.values())
