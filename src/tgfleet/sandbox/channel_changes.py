"""Changes to a channel's or supergroup's messages: edits, deletions, pins, read marks
(https://core.telegram.org/api/updates, https://core.telegram.org/method/channels.deleteMessages).

A channel's messages exist once, in its own box (``channels.py``), so each change is one pts event of that box
(an edit and a pin ``pts_count = 1``, a deletion the number deleted), which ``updates.getChannelDifference``
replays; every member's online sessions get it as ``updateEditChannelMessage``, ``updateDeleteChannelMessages``
or ``updatePinnedChannelMessages`` (the caller's own session excepted: it gets the change in its answer). A read
mark is no pts event: the reader's sessions get ``updateReadChannelInbox``, the senders of the messages read
``updateReadChannelOutbox``; nor is a supergroup member's reading of his mentions and voice messages
(``updateChannelReadMessagesContents`` to his sessions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tgfleet.sandbox.accounts import Accounts
from tgfleet.sandbox.channels import Channel, Channels
from tgfleet.sandbox.chat_views import channel_message_tl, channel_tl
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.views import users_tl
from tgfleet.tl import types


class ChannelChanges:
    """Applies changes for the services; built per call from the world's parts, its pusher and time."""

    def __init__(
        self, accounts: Accounts, channels: Channels, pusher: Pusher, now: float, except_auth_key_id: int | None
    ) -> None:
        self.accounts, self.channels, self.pusher, self.now = accounts, channels, pusher, now
        self.except_auth_key_id = except_auth_key_id

    def _container(
        self, channel: Channel, updates: Sequence[types.TypeUpdate], viewer_id: int, user_ids: Sequence[int] = ()
    ) -> types.Updates:
        users = users_tl(self.accounts, [viewer_id, *user_ids], viewer_id, self.now)
        chats: list[types.TypeChat] = [channel_tl(self.channels, channel, viewer_id)]
        return types.Updates(updates=list(updates), users=users, chats=chats, date=int(self.now), seq=0)

    def _to_members(self, channel: Channel, caller_id: int, make: Callable[[int], types.Updates]) -> types.Updates:
        """Push ``make(viewer)``'s updates to every member (the caller's calling session left out); the caller's."""
        for member_id in channel.members:
            if self.channels.delivers():
                own = member_id == caller_id
                self.pusher.push(
                    member_id, make(member_id), except_auth_key_id=self.except_auth_key_id if own else None
                )
        return make(caller_id)

    def edit(
        self, channel: Channel, caller_id: int, message: SandboxMessage, text: str, entities: tuple[object, ...]
    ) -> types.Updates:
        """Change a message's text (or caption); the caller's answer."""
        edited = channel.box.edit(message.id, text, entities, int(self.now))
        pts = channel.box.pts

        def make(viewer_id: int) -> types.Updates:
            tl = channel_message_tl(channel, edited, viewer_id)
            update = types.UpdateEditChannelMessage(message=tl, pts=pts, pts_count=1)
            return self._container(channel, [update], viewer_id, [edited.sender_id])

        return self._to_members(channel, caller_id, make)

    def delete(self, channel: Channel, caller_id: int, message_ids: list[int]) -> tuple[int, int]:
        """Delete those of ``message_ids`` the channel holds: ``(pts, pts_count)`` of its box."""
        gone, pts = channel.box.delete(message_ids, int(self.now))
        for message in gone:  # a deleted comment leaves its thread's count; a deleted top, its thread
            if (top := channel.thread_of.pop(message.id, None)) is not None and top in channel.threads:
                channel.threads[top].remove(message.id, pts)
            channel.threads.pop(message.id, None)
        ids = {m.id for m in gone}
        for member in channel.members.values():  # nothing is left to read in what is gone
            member.mentions -= ids
            member.unread_contents -= ids
        if gone:
            update = types.UpdateDeleteChannelMessages(
                channel_id=channel.id, messages=[m.id for m in gone], pts=pts, pts_count=len(gone)
            )
            self._to_members(channel, caller_id, lambda viewer_id: self._container(channel, [update], viewer_id))
        return pts, len(gone)

    def read_contents(self, channel: Channel, reader_id: int, message_ids: Sequence[int]) -> list[int]:
        """Mark those of ``message_ids`` whose mention or voice message member ``reader_id`` had not read yet read for
        him (``ChannelMember.unread_contents``; no pts event, as on Telegram); his other sessions get
        ``updateChannelReadMessagesContents``. The ids that changed."""
        member = channel.members[reader_id]
        changed = [i for i in dict.fromkeys(message_ids) if i in member.unread_contents]
        member.unread_contents.difference_update(changed)
        if changed:
            update = types.UpdateChannelReadMessagesContents(channel_id=channel.id, messages=changed)
            self.pusher.push(reader_id, self._container(channel, [update], reader_id),
                             except_auth_key_id=self.except_auth_key_id)  # fmt: skip
        return changed

    def pin(self, channel: Channel, caller_id: int, message_id: int, *, pin: bool) -> types.Updates:
        """Pin (or unpin) ``message_id`` for every member; the caller's answer."""
        channel.box.pin_message(channel.marked_id, message_id, int(self.now), pinned=pin)
        update = types.UpdatePinnedChannelMessages(
            pinned=pin, channel_id=channel.id, messages=[message_id], pts=channel.box.pts, pts_count=1
        )
        return self._to_members(channel, caller_id, lambda viewer_id: self._container(channel, [update], viewer_id))

    def read(self, channel: Channel, reader_id: int, max_id: int) -> None:
        """Mark the channel read by ``reader_id`` up to ``max_id`` (0: all); the senders of what he read learn it."""
        member = channel.members[reader_id]
        before, top = member.read_inbox_max_id, channel.top_message()
        member.read_inbox_max_id = max(before, top if max_id <= 0 else min(max_id, top))
        if member.read_inbox_max_id == before:
            return
        history = channel.box.history(channel.marked_id)
        unread = sum(1 for m in history if m.id > member.read_inbox_max_id and m.sender_id != reader_id)
        inbox = types.UpdateReadChannelInbox(
            channel_id=channel.id, max_id=member.read_inbox_max_id, still_unread_count=unread, pts=channel.box.pts
        )
        self.pusher.push(reader_id, self._container(channel, [inbox], reader_id),
                         except_auth_key_id=self.except_auth_key_id)  # fmt: skip
        read = [m for m in history if before < m.id <= member.read_inbox_max_id and m.sender_id != reader_id]
        for sender_id in dict.fromkeys(m.sender_id for m in read):
            if sender_id in channel.members:
                newest = max(m.id for m in read if m.sender_id == sender_id)
                outbox = types.UpdateReadChannelOutbox(channel_id=channel.id, max_id=newest)
                self.pusher.push(sender_id, self._container(channel, [outbox], sender_id))
