"""``BoxEvent``: one entry of a mailbox's pts log (``mailbox.py``), what ``updates.getDifference`` replays.

Each kind is one update of https://core.telegram.org/api/updates as its owner gets it: ``NEW`` is
``updateNewMessage`` (``ids``: the message), ``EDIT`` ``updateEditMessage``, ``DELETE`` ``updateDeleteMessages``
(``ids``: the deleted, ``pts_count`` their number), ``READ_INBOX`` / ``READ_OUTBOX`` ``updateReadHistoryInbox`` /
``Outbox`` (``ids``: the max id), ``PIN`` / ``UNPIN`` ``updatePinnedMessages`` (``ids``: the message),
``READ_CONTENTS`` ``updateReadMessagesContents`` (``ids``: the messages whose mention or voice/video was read),
``FOLDERS`` ``updateFolderPeers`` (``folders``: each moved dialog's marked peer id and its new folder;
https://core.telegram.org/constructor/updateFolderPeers carries a pts like the others).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class EventKind(enum.Enum):
    NEW = "new"
    EDIT = "edit"
    DELETE = "delete"
    READ_INBOX = "read_inbox"
    READ_OUTBOX = "read_outbox"
    PIN = "pin"
    UNPIN = "unpin"
    READ_CONTENTS = "read_contents"
    FOLDERS = "folders"


@dataclass(frozen=True)
class BoxEvent:
    """The change that brought the box's pts to ``pts`` (by ``pts_count``) at ``date``, in the chat with
    ``peer_id`` (0 for a deletion, which names message ids only)."""

    pts: int
    pts_count: int
    kind: EventKind
    ids: tuple[int, ...]
    peer_id: int
    date: int
    folders: tuple[tuple[int, int], ...] = ()
    """``FOLDERS``: (marked peer id, folder id) of each dialog moved."""
