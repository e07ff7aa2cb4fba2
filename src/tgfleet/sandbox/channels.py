"""Channels and supergroups: members, admins and their rights, bans, slow mode and the channel's own message box.

Telegram's rules (https://core.telegram.org/api/channel, https://core.telegram.org/api/rights): a channel
(``broadcast``) or supergroup (``megagroup``) has one message box shared by all its members, with its own id
sequence and its own ``pts`` (``mailbox.Mailbox``, one per channel), which ``updates.getChannelDifference``
replays. Its creator has every admin right; admins have the ``chatAdminRights`` they were given;
``chatBannedRights`` with ``view_messages`` ban a user (he is no member and may not rejoin), other banned rights
restrict a member. Access hashes are per viewer, as for users (``accounts.access_hash``). Slow mode makes a
member who is no admin wait ``slowmode_seconds`` between messages. A supergroup's message is stored once, but
whether it mentions a member and whether he has read its contents is his own (``ChannelMember.mentions``,
``unread_contents``), as in his dialog's ``unread_mentions_count``. A broadcast post counts its views, one per user
however often he looks (https://core.telegram.org/method/messages.getMessagesViews), and its forwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tgfleet.sandbox.accounts import access_hash
from tgfleet.sandbox.files import StoredFile
from tgfleet.sandbox.mailbox import Mailbox
from tgfleet.sandbox.threads import Thread
from tgfleet.tl import types

CHANNEL_ZERO = -1_000_000_000_000
"""A channel's marked id is ``CHANNEL_ZERO - channel_id`` (the Bot API's ``-100...`` ids)."""
SLOWMODE_SECONDS = (0, 10, 30, 60, 300, 900, 3600)
"""The slow mode delays Telegram offers (``channels.toggleSlowMode``; others are SECONDS_INVALID)."""
_MIN_ID, _ID_SPAN = 1_000_000_000, 7_000_000_000
FOREVER_BELOW, FOREVER_ABOVE = 30, 366 * 86400
"""A ban's ``until_date`` less than this many seconds after it was made, or more, is forever."""

FULL_RIGHTS = types.ChatAdminRights(
    change_info=True, post_messages=True, edit_messages=True, delete_messages=True, ban_users=True,
    invite_users=True, pin_messages=True, add_admins=True, manage_call=True, other=True,
)  # fmt: skip
"""The creator's rights."""


@dataclass
class ChannelMember:
    user_id: int
    inviter_id: int
    date: int
    admin_rights: types.ChatAdminRights | None = None
    promoted_by: int = 0
    rank: str | None = None
    read_inbox_max_id: int = 0
    last_sent: float = 0.0
    """When he last sent a message (slow mode)."""
    mentions: set[int] = field(default_factory=set)
    """A supergroup's messages that mention him (``mentions.py``: named, by username, or answering his)."""
    unread_contents: set[int] = field(default_factory=set)
    """A supergroup's messages whose mention or voice message / round video he has not read yet: the copy he sees
    is ``media_unread`` (``channels.readMessageContents``, ``messages.readMentions``)."""


@dataclass
class Ban:
    """A banned (``view_messages``) or restricted user."""

    rights: types.ChatBannedRights
    kicked_by: int
    date: int

    def ended(self, now: float) -> bool:
        """Whether its ``until_date`` has passed; 0, or a date under 30 seconds or over 366 days after the ban was
        made, is forever (https://core.telegram.org/constructor/chatBannedRights)."""
        until = self.rights.until_date
        return FOREVER_BELOW <= until - self.date <= FOREVER_ABOVE and until <= now


@dataclass
class Channel:
    """One channel's or supergroup's mutable state."""

    id: int
    title: str
    about: str
    megagroup: bool
    creator_id: int
    date: int
    box: Mailbox = field(default_factory=Mailbox)
    members: dict[int, ChannelMember] = field(default_factory=dict)
    bans: dict[int, Ban] = field(default_factory=dict)
    username: str | None = None
    slowmode_seconds: int = 0
    deleted: bool = False
    photo: StoredFile | None = None
    """The channel's photo (``photos.py``)."""
    random_ids: dict[tuple[int, int], int] = field(default_factory=dict)
    """(sender, random_id) -> the message it made."""
    noforwards: bool = False
    """Its content is protected (``messages.toggleNoForwards``): no message of it may be forwarded."""
    linked_id: int | None = None
    """A broadcast channel's discussion supergroup, a discussion supergroup's channel (channels.setDiscussionGroup)."""
    discussion: dict[int, int] = field(default_factory=dict)
    """A broadcast channel's post id -> its automatic forward's id in the discussion supergroup."""
    threads: dict[int, Thread] = field(default_factory=dict)
    """The discussion threads (``threads.py``) by their top message here: a broadcast channel's post, a discussion
    supergroup's automatic forward."""
    viewers: dict[int, set[int]] = field(default_factory=dict)
    """A broadcast channel's post id -> the users who viewed it, each counted once (its poster first, then
    ``messages.getMessagesViews`` with ``increment``): the post's ``views``."""
    forwards: dict[int, int] = field(default_factory=dict)
    """A broadcast channel's post id -> how often it was forwarded: the post's ``forwards``."""
    thread_of: dict[int, int] = field(default_factory=dict)
    """A discussion supergroup's comment id -> the top message (an automatic forward) of its thread."""

    @property
    def marked_id(self) -> int:
        return CHANNEL_ZERO - self.id

    def rights_of(self, user_id: int) -> types.ChatAdminRights | None:
        """A member's admin rights (the creator's are all of them); None for a member who is no admin."""
        if user_id == self.creator_id:
            return FULL_RIGHTS
        member = self.members.get(user_id)
        return None if member is None else member.admin_rights

    def can(self, user_id: int, right: str) -> bool:
        rights = self.rights_of(user_id)
        return rights is not None and bool(getattr(rights, right))

    def banned(self, user_id: int) -> bool:
        ban = self.bans.get(user_id)
        return ban is not None and ban.rights.view_messages

    def lift_ended_bans(self, now: float) -> None:
        """End the bans and restrictions whose ``until_date`` has passed (the banned may join again)."""
        for user_id in [u for u, ban in self.bans.items() if ban.ended(now)]:
            del self.bans[user_id]

    def restricted(self, user_id: int, right: str) -> bool:
        """Whether ``user_id`` is forbidden ``right`` (a ``chatBannedRights`` flag) in this channel."""
        ban = self.bans.get(user_id)
        return ban is not None and bool(getattr(ban.rights, right))

    def join(self, user_id: int, inviter_id: int, date: int) -> ChannelMember:
        member = self.members.setdefault(user_id, ChannelMember(user_id, inviter_id, date))
        member.read_inbox_max_id = max(member.read_inbox_max_id, self.top_message())  # nothing old is unread
        return member

    def counters(self, message_id: int) -> tuple[int, int] | None:
        """A broadcast post's ``views`` and ``forwards``; None for a supergroup's message or a service message (no
        counters: https://core.telegram.org/constructor/message, flags.10)."""
        message = self.box.get(message_id)
        if self.megagroup or message is None or message.action is not None:
            return None
        return len(self.viewers.get(message_id, ())), self.forwards.get(message_id, 0)

    def unread_mentions(self, user_id: int) -> list[int]:
        """The ids of the messages still here that mention member ``user_id`` and that he has not read, ascending."""
        member = self.members.get(user_id)
        if member is None:
            return []
        return sorted(i for i in member.mentions & member.unread_contents if self.box.get(i) is not None)

    def top_message(self) -> int:
        history = self.box.history(self.marked_id)
        return history[-1].id if history else 0


class Channels:
    """Every channel by id and (lower-cased) username; access hashes keyed by ``hash_key``."""

    def __init__(self, hash_key: bytes, random: Callable[[int], bytes]) -> None:
        self.hash_key = hash_key
        self._random = random
        self._by_id: dict[int, Channel] = {}
        self._by_username: dict[str, int] = {}
        self.drop_rate = 0.0
        """The share of channel updates pushed to no one (a fault: ``World.drop_channel_updates``)."""

    def delivers(self) -> bool:
        """Whether the next push of a channel update goes out (False for ``drop_rate`` of them, at random)."""
        return self.drop_rate <= 0 or int.from_bytes(self._random(4), "big") >= self.drop_rate * 2**32

    def create(self, title: str, about: str, *, megagroup: bool, creator_id: int, date: int) -> Channel:
        channel_id = _MIN_ID + int.from_bytes(self._random(8), "big") % _ID_SPAN
        while channel_id in self._by_id:
            channel_id = _MIN_ID + int.from_bytes(self._random(8), "big") % _ID_SPAN
        channel = Channel(channel_id, title, about, megagroup, creator_id, date)
        channel.members[creator_id] = ChannelMember(creator_id, creator_id, date)
        self._by_id[channel_id] = channel
        return channel

    def get(self, channel_id: int) -> Channel | None:
        channel = self._by_id.get(channel_id)
        return None if channel is None or channel.deleted else channel

    def hash_for(self, viewer_id: int, channel_id: int) -> int:
        return access_hash(self.hash_key, viewer_id, channel_id)

    def by_username(self, username: str) -> Channel | None:
        channel_id = self._by_username.get(username.lower())
        return None if channel_id is None else self.get(channel_id)

    def set_username(self, channel: Channel, username: str | None) -> None:
        if channel.username is not None:
            self._by_username.pop(channel.username.lower(), None)
        channel.username = username
        if username is not None:
            self._by_username[username.lower()] = channel.id

    def delete(self, channel: Channel) -> None:
        self.set_username(channel, None)
        channel.deleted = True

    def of_member(self, user_id: int) -> list[Channel]:
        return [c for c in self._by_id.values() if not c.deleted and user_id in c.members]
