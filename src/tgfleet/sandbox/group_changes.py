"""Changes to a basic group's messages: edits, deletions, read marks, pins
(https://core.telegram.org/api/updates, https://core.telegram.org/method/messages.deleteMessages).

A basic group's message exists once in every member's box (``groups.py`` knows each member's copy), so a change
made for everyone is applied to each copy, each box taking its own pts event (``mailbox.py``), and each member's
online sessions get the update for his copy in an ``updates`` container with the group (the caller's own session
excepted: it gets the change in its answer). A read mark reads the reader's copies and tells each sender whose
messages were read (``updateReadHistoryOutbox``, his own copies' ids).
"""

from __future__ import annotations

from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.chat_views import group_tl
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.views import message_tl, users_tl
from tgfleet.tl import types


class GroupChanges:
    """Applies changes for the services; built per call from the world's ``accounts``, ``pusher`` and time."""

    def __init__(self, accounts: Accounts, pusher: Pusher, now: float, except_auth_key_id: int | None) -> None:
        self.accounts, self.pusher, self.now = accounts, pusher, now
        self.except_auth_key_id = except_auth_key_id

    def _send(self, group: BasicGroup, owner_id: int, update: types.TypeUpdate, users: list[int], *, own: bool
              ) -> types.Updates:  # fmt: skip
        container = types.Updates(
            updates=[update], users=users_tl(self.accounts, [owner_id, *users], owner_id, self.now),
            chats=[group_tl(group, owner_id)], date=int(self.now), seq=0,
        )  # fmt: skip
        self.pusher.push(owner_id, container, except_auth_key_id=self.except_auth_key_id if own else None)
        return container

    def _copies(self, group: BasicGroup, caller: Account, message_id: int) -> list[tuple[Account, int]]:
        """Each member's copy still in his box of the caller's message ``message_id``, the caller's first."""
        copies = group.copies_of(caller.id, message_id) or {caller.id: message_id}
        order = [caller.id, *(m for m in copies if m != caller.id)]
        found = [(self.accounts[m], copies[m]) for m in order if m in self.accounts]
        return [(owner, copy) for owner, copy in found if owner.mailbox.get(copy) is not None]

    def edit(self, group: BasicGroup, caller: Account, message_id: int, text: str, entities: tuple[object, ...]
             ) -> types.Updates:  # fmt: skip
        """Edit every member's copy; the caller's answer."""
        answers = []
        for owner, copy in self._copies(group, caller, message_id):
            edited = owner.mailbox.edit(copy, text, entities, int(self.now))
            update = types.UpdateEditMessage(message=message_tl(edited), pts=owner.mailbox.pts, pts_count=1)
            answers.append(self._send(group, owner.id, update, [edited.sender_id], own=owner is caller))
        return answers[0]

    def others_copies(self, group: BasicGroup, caller: Account, message_ids: list[int]) -> dict[int, list[int]]:
        """The other members' copies of the caller's messages (member -> ids in his box), to delete them too."""
        found: dict[int, list[int]] = {}
        for message_id in message_ids:
            for owner, copy in self._copies(group, caller, message_id):
                if owner is not caller:
                    found.setdefault(owner.id, []).append(copy)
        return found

    def delete_copies(self, group: BasicGroup, copies: dict[int, list[int]]) -> None:
        """Delete the other members' copies (``others_copies``), each box one event."""
        for owner_id, ids in copies.items():
            owner = self.accounts[owner_id]
            gone, pts = owner.mailbox.delete(ids, int(self.now))
            if gone:
                update = types.UpdateDeleteMessages(messages=[m.id for m in gone], pts=pts, pts_count=len(gone))
                self._send(group, owner_id, update, [], own=False)

    def read(self, group: BasicGroup, reader: Account, max_id: int) -> tuple[int, int]:
        """Mark the group read up to ``max_id`` (0: all); ``(pts, pts_count)`` of the reader's box."""
        box, peer = reader.mailbox, types.PeerChat(chat_id=group.id)
        before_pts = box.pts
        before = next((d.read_inbox_max_id for d in box.dialogs() if d.peer_id == group.marked_id), 0)
        box.read_inbox(group.marked_id, max_id, int(self.now))
        if box.pts == before_pts:
            return box.pts, 0
        read_to = next(d.read_inbox_max_id for d in box.dialogs() if d.peer_id == group.marked_id)
        inbox = types.UpdateReadHistoryInbox(
            peer=peer, max_id=read_to, still_unread_count=box.unread_in(group.marked_id), pts=box.pts, pts_count=1
        )
        self._send(group, reader.id, inbox, [], own=True)
        newest: dict[int, int] = {}  # sender -> his newest copy read
        for message in box.history(group.marked_id):
            if before < message.id <= read_to and not message.out:
                copy = group.copy_in(reader.id, message.id, message.sender_id)
                newest[message.sender_id] = max(newest.get(message.sender_id, 0), copy or 0)
        for sender_id, copy in newest.items():
            sender = self.accounts.get(sender_id)
            if sender is not None and copy and sender.mailbox.read_outbox(group.marked_id, copy, int(self.now)):
                outbox = types.UpdateReadHistoryOutbox(peer=peer, max_id=copy, pts=sender.mailbox.pts, pts_count=1)
                self._send(group, sender_id, outbox, [], own=False)
        return box.pts, 1

    def pin(self, group: BasicGroup, caller: Account, message_id: int, *, pin: bool) -> types.Updates:
        """Pin (or unpin) the message for every member; the caller's answer."""
        answers = []
        for owner, copy in self._copies(group, caller, message_id):
            owner.mailbox.pin_message(group.marked_id, copy, int(self.now), pinned=pin)
            update = types.UpdatePinnedMessages(
                pinned=pin, peer=types.PeerChat(chat_id=group.id), messages=[copy], pts=owner.mailbox.pts, pts_count=1
            )
            answers.append(self._send(group, owner.id, update, [], own=owner is caller))
        return answers[0]
