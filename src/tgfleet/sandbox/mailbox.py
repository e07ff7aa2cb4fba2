"""One account's mailbox: its own message id sequence, its common ``pts``, its private dialogs and their events.

Like Telegram's private chats and basic groups (https://core.telegram.org/api/updates): every account numbers the
messages it holds 1, 2, 3, ... (a message between A and B exists twice, with A's id in A's box and B's id in B's
box, each knowing the other's id as its ``twin``), and every change of the box advances the owner's ``pts``: a new
message, an edit, a read mark, dialogs moved between folders by ``pts_count = 1``, a deletion by the number of
messages deleted. The event log keeps which pts brought what, so ``updates.getDifference`` can replay any range
exactly. A basic group's messages are in each member's box like a private chat's (``peer_id`` is the group's marked
id); a channel is a box of its own with its own pts, shared by its members: the same class, one per channel
(``channels.py``).
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from tgfleet.sandbox.box_events import BoxEvent, EventKind
from tgfleet.sandbox.forward_origin import ForwardOrigin

INITIAL_PTS = 1
"""The pts of an account that has received nothing yet."""


@dataclass(frozen=True)
class SandboxMessage:
    """A message as stored in its owner's box (``id`` and ``pts`` are the owner's)."""

    id: int
    owner_id: int
    peer_id: int
    """The other side of the private chat (the owner himself for Saved Messages); a basic group's marked id
    (``-chat_id``) for a message of that group (``groups.py``)."""
    out: bool
    sender_id: int
    date: int
    text: str
    pts: int
    entities: tuple[Any, ...] = ()
    random_id: int | None = None
    reply_to: int | None = None
    """The id (in this box) of the message this one answers."""
    forward: ForwardOrigin | None = None
    """A forwarded message's origin (``forward_origin.py``)."""
    edit_date: int | None = None
    silent: bool = False
    noforwards: bool = False
    """Sent with ``protect_content``: it may not be forwarded (CHAT_FORWARDS_RESTRICTED)."""
    action: Any = None
    """A service message's ``MessageAction`` (a group created, members added or gone, a title changed)."""
    media: Any = None
    """A ``sandbox.media.SandboxMedia`` (its ``tl()`` renders it with fresh file references), or None."""
    grouped_id: int | None = None
    """The album (``messages.sendMultiMedia``) the message belongs to."""
    reactions: tuple[tuple[int, str, int], ...] = ()
    """``(user id, emoji, date)`` of each reaction, in the order they were made (``reactions.py``)."""
    mentioned: bool = False
    """The owner is mentioned in it (a group's message naming him or answering his)."""
    media_unread: bool = False
    """Its mention or its voice / round video is not read yet (``messages.readMessageContents``)."""


@dataclass(frozen=True)
class SandboxDialog:
    """A private chat as its owner sees it."""

    peer_id: int
    top_message: int
    unread_count: int
    read_inbox_max_id: int
    read_outbox_max_id: int
    pinned: bool = False
    pinned_message: int = 0
    unread_mentions: int = 0


@dataclass
class _Chat:
    message_ids: list[int] = field(default_factory=list)  # ascending
    read_inbox_max_id: int = 0
    read_outbox_max_id: int = 0
    pinned_message: int = 0


class Mailbox:
    """Messages, pts, dialogs and the pts event log of one account."""

    def __init__(self) -> None:
        self.pts = INITIAL_PTS
        self._messages: dict[int, SandboxMessage] = {}
        self._next_id = 1
        self._chats: dict[int, _Chat] = {}
        self._pinned: list[int] = []  # pinned dialogs' peers in pinning order (shown the last pinned first)
        self._twins: dict[int, int] = {}  # message id -> the other side's copy's id
        self._events: list[BoxEvent] = []
        self._event_pts: list[int] = []
        self._random_ids: dict[tuple[int, int], int] = {}  # (peer, random_id) -> message id

    # --- changes, each one pts event --------------------------------------------------------------------
    def add(self, *, owner_id: int, peer_id: int, **fields: Any) -> SandboxMessage:
        """Store a new message (``fields``: those of :class:`SandboxMessage` after ``peer_id``): the next id,
        ``pts += 1``."""
        message = SandboxMessage(id=self._next_id, owner_id=owner_id, peer_id=peer_id, pts=self.pts + 1, **fields)
        self._next_id += 1
        self._messages[message.id] = message
        self._chats.setdefault(peer_id, _Chat()).message_ids.append(message.id)
        self._log(EventKind.NEW, 1, (message.id,), peer_id, message.date)
        if message.random_id is not None:
            self._random_ids[peer_id, message.random_id] = message.id
        return message

    def edit(self, message_id: int, text: str, entities: tuple[Any, ...], date: int) -> SandboxMessage:
        """Change a message's text (KeyError if it is not in this box)."""
        message = dataclasses.replace(self.message(message_id), text=text, entities=entities, edit_date=date)
        self._messages[message_id] = message
        self._log(EventKind.EDIT, 1, (message_id,), message.peer_id, date)
        return message

    def delete(self, message_ids: list[int], date: int) -> tuple[list[SandboxMessage], int]:
        """Delete those of ``message_ids`` this box holds: ``(the deleted, the pts after)``; no event if none."""
        gone = [self._messages.pop(i) for i in dict.fromkeys(message_ids) if i in self._messages]
        for message in gone:
            chat = self._chats[message.peer_id]
            chat.message_ids.remove(message.id)
            if chat.pinned_message == message.id:
                chat.pinned_message = 0
            if not chat.message_ids:
                del self._chats[message.peer_id]
                self._pinned = [p for p in self._pinned if p != message.peer_id]
        if gone:
            self._log(EventKind.DELETE, len(gone), tuple(m.id for m in gone), 0, date)
        return gone, self.pts

    def read_inbox(self, peer_id: int, max_id: int, date: int) -> None:
        """Mark the chat's messages read up to ``max_id`` (0: all); no event when nothing changes."""
        chat = self._chats.get(peer_id)
        if chat is None:
            return
        newest = chat.message_ids[-1]
        max_id = newest if max_id <= 0 else min(max_id, newest)
        if max_id > chat.read_inbox_max_id:
            chat.read_inbox_max_id = max_id
            self._log(EventKind.READ_INBOX, 1, (max_id,), peer_id, date)

    def read_outbox(self, peer_id: int, max_id: int, date: int) -> bool:
        """The other side read this box's messages up to ``max_id`` (this box's ids); whether it changed."""
        chat = self._chats.get(peer_id)
        if chat is None or max_id <= chat.read_outbox_max_id:
            return False
        chat.read_outbox_max_id = max_id
        self._log(EventKind.READ_OUTBOX, 1, (max_id,), peer_id, date)
        return True

    def pin_message(self, peer_id: int, message_id: int, date: int, *, pinned: bool) -> None:
        """Pin (or unpin) ``message_id`` in the chat with ``peer_id``."""
        chat = self._chats[peer_id]
        if pinned:
            chat.pinned_message = message_id
        elif chat.pinned_message == message_id:
            chat.pinned_message = 0
        self._log(EventKind.PIN if pinned else EventKind.UNPIN, 1, (message_id,), peer_id, date)

    def read_contents(self, message_ids: list[int], date: int) -> list[int]:
        """Mark the contents of those of ``message_ids`` still unread (a mention, a voice or round video) read,
        in one event; the ids that changed (none: no event)."""
        changed = [i for i in dict.fromkeys(message_ids) if (m := self._messages.get(i)) is not None and m.media_unread]
        for message_id in changed:
            self._messages[message_id] = dataclasses.replace(self._messages[message_id], media_unread=False)
        if changed:
            self._log(EventKind.READ_CONTENTS, 1, tuple(changed), 0, date)
        return changed

    def move_folders(self, moves: tuple[tuple[int, int], ...], date: int) -> None:
        """Dialogs moved between folders (``(marked peer id, folder id)`` each, ``dialog_marks.py`` keeps where
        they are): one pts event, as ``updateFolderPeers`` carries one; none for no move."""
        if moves:
            self._log(EventKind.FOLDERS, 1, (), 0, date, folders=moves)

    def set_reactions(self, message_id: int, reactions: tuple[tuple[int, str, int], ...]) -> SandboxMessage:
        """Replace a message's reactions (KeyError if it is not in this box); no pts: Telegram's
        ``updateMessageReactions`` carries none."""
        message = dataclasses.replace(self.message(message_id), reactions=reactions)
        self._messages[message_id] = message
        return message

    def _log(
        self, kind: EventKind, count: int, ids: tuple[int, ...], peer_id: int, date: int,
        folders: tuple[tuple[int, int], ...] = (),
    ) -> None:  # fmt: skip
        self.pts += count
        self._events.append(BoxEvent(self.pts, count, kind, ids, peer_id, date, folders))
        self._event_pts.append(self.pts)

    # --- dialogs (no pts) ---------------------------------------------------------------------------------
    def toggle_pin(self, peer_id: int, pinned: bool) -> bool:
        """Pin or unpin the dialog with ``peer_id`` (False if there is no such dialog)."""
        if peer_id not in self._chats:
            return False
        self._pinned = [p for p in self._pinned if p != peer_id] + ([peer_id] if pinned else [])
        return True

    def link(self, message_id: int, twin_id: int) -> None:
        """``twin_id`` is the other side's copy of ``message_id``."""
        self._twins[message_id] = twin_id

    def twin(self, message_id: int) -> int | None:
        return self._twins.get(message_id)

    # --- reading --------------------------------------------------------------------------------------------
    def get(self, message_id: int) -> SandboxMessage | None:
        return self._messages.get(message_id)

    def message(self, message_id: int) -> SandboxMessage:
        found = self._messages.get(message_id)
        if found is None:
            raise KeyError(f"no message {message_id} in this box")
        return found

    def by_random_id(self, peer_id: int, random_id: int) -> SandboxMessage | None:
        """The message this box's owner sent to ``peer_id`` with ``random_id``, if it is still there."""
        message_id = self._random_ids.get((peer_id, random_id))
        return None if message_id is None else self._messages.get(message_id)

    def has_chat(self, peer_id: int) -> bool:
        return peer_id in self._chats

    def all_messages(self) -> list[SandboxMessage]:
        return list(self._messages.values())

    def history(self, peer_id: int) -> list[SandboxMessage]:
        """The chat with ``peer_id``, oldest first."""
        chat = self._chats.get(peer_id)
        return [] if chat is None else [self._messages[i] for i in chat.message_ids]

    def events_after(self, pts: int, limit: int) -> list[BoxEvent]:
        """The events that brought pts above ``pts``, in pts order, at most ``limit``."""
        start = bisect.bisect_right(self._event_pts, pts)
        return self._events[start : start + limit]

    def unread_in(self, peer_id: int) -> int:
        chat = self._chats[peer_id]
        return sum(1 for i in chat.message_ids if i > chat.read_inbox_max_id and not self._messages[i].out)

    def dialogs(self) -> list[SandboxDialog]:
        """All chats: the pinned ones first (the last pinned first), then the one with the newest message first."""
        rank = {peer: i + 1 for i, peer in enumerate(self._pinned)}
        found = [
            SandboxDialog(
                peer_id=peer_id,
                top_message=chat.message_ids[-1],
                unread_count=self.unread_in(peer_id),
                read_inbox_max_id=chat.read_inbox_max_id,
                read_outbox_max_id=chat.read_outbox_max_id,
                pinned=peer_id in rank,
                pinned_message=chat.pinned_message,
                unread_mentions=len(self.unread_mentions(peer_id)),
            )
            for peer_id, chat in self._chats.items()
        ]
        return sorted(found, key=lambda d: (-rank.get(d.peer_id, 0), -d.top_message))

    def unread_mentions(self, peer_id: int) -> list[int]:
        """The ids of the chat's messages that mention the owner and are not read yet (``read_contents``)."""
        chat = self._chats.get(peer_id)
        ids = [] if chat is None else chat.message_ids
        return [i for i in ids if (m := self._messages[i]).mentioned and m.media_unread]

    def unread_count(self) -> int:
        return sum(self.unread_in(peer_id) for peer_id in self._chats)
