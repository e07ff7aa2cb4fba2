"""Changes to a private chat's messages on both sides: edits, deletions, read marks, contents read, pins
(https://core.telegram.org/api/updates, https://core.telegram.org/method/messages.deleteMessages).

Each change is applied to the owner's box and, where Telegram makes it so, to the other side's copy (its
``twin``), each box taking its own pts event (``mailbox.py``); both sides' online sessions get the update in an
``updates`` container (the caller's own session excepted: it gets the change in its answer). Saved Messages exist
once, so only the owner's box changes there.
"""

from __future__ import annotations

from collections.abc import Sequence

from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.views import message_tl, message_users, peer_user, users_tl
from tgfleet.tl import types


class ChatChanges:
    """Applies changes for the services; built per call from the world's ``accounts``, ``pusher`` and time."""

    def __init__(self, accounts: Accounts, pusher: Pusher, now: float, except_auth_key_id: int | None) -> None:
        self.accounts, self.pusher, self.now = accounts, pusher, now
        self.except_auth_key_id = except_auth_key_id

    def _other(self, owner: Account, peer_id: int) -> Account | None:
        return None if peer_id == owner.id else self.accounts.get(peer_id)

    def _container(self, updates: Sequence[types.TypeUpdate], owner_id: int, user_ids: list[int]) -> types.Updates:
        users = users_tl(self.accounts, user_ids, owner_id, self.now)
        return types.Updates(updates=list(updates), users=users, chats=[], date=int(self.now), seq=0)

    def _push(self, owner_id: int, updates: types.Updates, *, own: bool) -> None:
        """To ``owner_id``'s sessions (``own``: the caller's account, whose calling session is left out)."""
        self.pusher.push(owner_id, updates, except_auth_key_id=self.except_auth_key_id if own else None)

    def edit(self, owner: Account, message: SandboxMessage, text: str, entities: tuple[object, ...]) -> types.Updates:
        """Edit an outgoing message on both sides; the caller's answer."""
        answer = self._edit_one(owner, message.id, text, entities, own=True)
        other = self._other(owner, message.peer_id)
        twin = owner.mailbox.twin(message.id)
        if other is not None and twin is not None and other.mailbox.get(twin) is not None:
            self._edit_one(other, twin, text, entities, own=False)
        return answer

    def _edit_one(
        self, owner: Account, message_id: int, text: str, entities: tuple[object, ...], *, own: bool
    ) -> types.Updates:
        edited = owner.mailbox.edit(message_id, text, entities, int(self.now))
        update = types.UpdateEditMessage(message=message_tl(edited), pts=owner.mailbox.pts, pts_count=1)
        updates = self._container([update], owner.id, message_users([edited]))
        self._push(owner.id, updates, own=own)
        return updates

    def delete(self, owner: Account, message_ids: list[int], *, revoke: bool) -> tuple[int, int]:
        """Delete from the owner's box (and, ``revoke``, the other sides' copies); ``(pts, pts_count)`` of the
        owner's box, ``(pts, 0)`` when none of the ids was there."""
        twins: dict[int, list[int]] = {}
        for message_id in message_ids:
            message, twin = owner.mailbox.get(message_id), owner.mailbox.twin(message_id)
            if revoke and message is not None and twin is not None:
                twins.setdefault(message.peer_id, []).append(twin)
        gone, pts = self._delete_one(owner, message_ids, own=True)
        for peer_id, ids in twins.items():
            other = self._other(owner, peer_id)
            if other is not None:
                self._delete_one(other, ids, own=False)
        return pts, len(gone)

    def _delete_one(self, owner: Account, message_ids: list[int], *, own: bool) -> tuple[list[SandboxMessage], int]:
        gone, pts = owner.mailbox.delete(message_ids, int(self.now))
        if gone:
            update = types.UpdateDeleteMessages(messages=[m.id for m in gone], pts=pts, pts_count=len(gone))
            self._push(owner.id, self._container([update], owner.id, []), own=own)
        return gone, pts

    def read(self, owner: Account, peer_id: int, max_id: int) -> tuple[int, int]:
        """Mark the chat read up to ``max_id`` (0: all); the other side's outbox is read up to the twins of the
        messages read. ``(pts, pts_count)`` of the owner's box."""
        box = owner.mailbox
        before = box.pts
        box.read_inbox(peer_id, max_id, int(self.now))
        if box.pts == before:
            return box.pts, 0
        read_to = next(d.read_inbox_max_id for d in box.dialogs() if d.peer_id == peer_id)
        update = types.UpdateReadHistoryInbox(
            peer=peer_user(peer_id), max_id=read_to, still_unread_count=box.unread_in(peer_id), pts=box.pts, pts_count=1
        )
        self._push(owner.id, self._container([update], owner.id, [peer_id]), own=True)
        other = self._other(owner, peer_id)
        read = (m.id for m in box.history(peer_id) if not m.out and m.id <= read_to)
        twin_max = max((box.twin(i) or 0 for i in read), default=0)
        if other is not None and other.mailbox.read_outbox(owner.id, twin_max, int(self.now)):
            outbox = types.UpdateReadHistoryOutbox(
                peer=peer_user(owner.id), max_id=twin_max, pts=other.mailbox.pts, pts_count=1
            )
            self._push(other.id, self._container([outbox], other.id, [owner.id]), own=False)
        return box.pts, 1

    def read_contents(self, owner: Account, message_ids: list[int]) -> tuple[int, int]:
        """Mark the contents of the owner's messages read (``Mailbox.read_contents``); a private voice message or
        round video is then played for its sender too, whose copy changes as well. ``(pts, pts_count)`` of the
        owner's box, ``(pts, 0)`` when nothing was unread."""
        twins: dict[int, list[int]] = {}
        for message_id in message_ids:
            message, twin = owner.mailbox.get(message_id), owner.mailbox.twin(message_id)
            if message is not None and message.media_unread and not message.out and twin is not None:
                twins.setdefault(message.peer_id, []).append(twin)
        changed = self._read_contents_one(owner, message_ids, own=True)
        for peer_id, ids in twins.items():
            if (other := self._other(owner, peer_id)) is not None:
                self._read_contents_one(other, ids, own=False)
        return owner.mailbox.pts, 1 if changed else 0

    def _read_contents_one(self, owner: Account, message_ids: list[int], *, own: bool) -> list[int]:
        changed = owner.mailbox.read_contents(message_ids, int(self.now))
        if changed:
            update = types.UpdateReadMessagesContents(
                messages=changed, pts=owner.mailbox.pts, pts_count=1, date=int(self.now)
            )
            self._push(owner.id, self._container([update], owner.id, []), own=own)
        return changed

    def pin(self, owner: Account, peer_id: int, message_id: int, *, pin: bool, one_side: bool) -> types.Updates:
        """Pin (or unpin) ``message_id`` in the chat, for both sides unless ``one_side``; the caller's answer."""
        answer = self._pin_one(owner, peer_id, message_id, pin=pin, own=True)
        other = self._other(owner, peer_id)
        twin = owner.mailbox.twin(message_id)
        if not one_side and other is not None and twin is not None and other.mailbox.get(twin) is not None:
            self._pin_one(other, owner.id, twin, pin=pin, own=False)
        return answer

    def _pin_one(self, owner: Account, peer_id: int, message_id: int, *, pin: bool, own: bool) -> types.Updates:
        owner.mailbox.pin_message(peer_id, message_id, int(self.now), pinned=pin)
        update = types.UpdatePinnedMessages(
            pinned=pin, peer=peer_user(peer_id), messages=[message_id], pts=owner.mailbox.pts, pts_count=1
        )
        updates = self._container([update], owner.id, [peer_id])
        self._push(owner.id, updates, own=own)
        return updates
