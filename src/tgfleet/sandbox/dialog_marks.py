"""``DialogMarks``: what one account keeps about its dialogs besides their messages: the folder each is in and
the unread marks (https://core.telegram.org/api/folders, https://core.telegram.org/method/messages.markDialogUnread).

Dialogs are named by marked peer id (a user, ``-chat_id``, ``-100...``), so private chats, groups and channels are
kept alike. Folder 0 is the main list, folder 1 the archive (the only folders ``folders.editPeerFolders`` moves
dialogs between); a dialog not named here is in folder 0. An unread mark stays until the owner reads the chat
(``read``) or clears it. Bounded by the account's dialogs: only peers it has a dialog with are ever added.
"""

from __future__ import annotations

MAIN, ARCHIVE = 0, 1
FOLDERS = frozenset({MAIN, ARCHIVE})


class DialogMarks:
    """One account's folders and unread marks, by marked peer id."""

    def __init__(self) -> None:
        self._archived: dict[int, None] = {}  # insertion order: when each was archived
        self._unread: set[int] = set()

    def folder_of(self, peer_id: int) -> int:
        return ARCHIVE if peer_id in self._archived else MAIN

    def move(self, peer_id: int, folder_id: int) -> bool:
        """Put the dialog in ``folder_id`` (``MAIN`` or ``ARCHIVE``); whether it moved."""
        if folder_id not in FOLDERS:
            raise ValueError(f"no folder {folder_id}")
        if self.folder_of(peer_id) == folder_id:
            return False
        if folder_id == ARCHIVE:
            self._archived[peer_id] = None
        else:
            del self._archived[peer_id]
        return True

    def unread(self, peer_id: int) -> bool:
        return peer_id in self._unread

    def mark(self, peer_id: int, unread: bool) -> bool:
        """Set or clear the dialog's unread mark; whether it changed."""
        if unread == (peer_id in self._unread):
            return False
        if unread:
            self._unread.add(peer_id)
        else:
            self._unread.discard(peer_id)
        return True

    def read(self, peer_id: int) -> None:
        """The owner read the chat: its unread mark is gone."""
        self._unread.discard(peer_id)

    def marked(self) -> list[int]:
        """The dialogs marked unread."""
        return sorted(self._unread)
