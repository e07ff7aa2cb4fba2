"""Messages into basic groups and channels: stored where Telegram keeps them, pushed to the members online.

A basic group's message is stored in every member's own box (each copy with that member's id and pts, ``out``
for the sender's, ``mentioned`` for a member it mentions: ``mentions.py``), and each member's sessions get
``updates`` with ``updateNewMessage``, the group and the sender. A channel's message is stored once, in the
channel's box (its id and the channel's pts), and every member's sessions get ``updates`` with
``updateNewChannelMessage`` (https://core.telegram.org/api/updates); whom a supergroup's message mentions, and who
has yet to play its voice message, is kept per member (``ChannelMember.mentions``, ``unread_contents``). The
sender's calling session gets the message in its answer instead. A ``random_id`` the sender used before in the
same chat returns the first message and makes nothing new (as for private chats, ``chats.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.channels import CHANNEL_ZERO, Channel, Channels
from tgfleet.sandbox.chat_views import channel_message_tl, channel_tl, group_tl, origins
from tgfleet.sandbox.chats import PLAIN, SendOptions
from tgfleet.sandbox.contract import Pusher
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.media import plays
from tgfleet.sandbox.mentions import mentioned_ids
from tgfleet.sandbox.views import action_users, message_tl, users_tl
from tgfleet.tl import types


class ChatPosts:
    """Sends for the services; built per call from the world's parts, its pusher and time."""

    def __init__(
        self, accounts: Accounts, channels: Channels, pusher: Pusher, now: float, except_auth_key_id: int | None
    ) -> None:
        self.accounts, self.channels, self.pusher, self.now = accounts, channels, pusher, now
        self.except_auth_key_id = except_auth_key_id

    def _fields(self, sender: Account, text: str, entities: tuple[Any, ...], options: SendOptions) -> dict[str, Any]:
        return {
            "sender_id": sender.id, "date": int(self.now), "text": text, "entities": entities,
            "silent": options.silent, "noforwards": options.noforwards, "forward": options.forward,
            "media": options.media, "grouped_id": options.grouped_id,
        }  # fmt: skip

    # --- basic groups ------------------------------------------------------------------------------------
    def to_group(
        self,
        group: BasicGroup,
        sender: Account,
        text: str = "",
        *,
        random_id: int | None = None,
        entities: tuple[Any, ...] = (),
        options: SendOptions = PLAIN,
        action: Any = None,
        extra_members: tuple[int, ...] = (),
    ) -> SandboxMessage:
        """Store the message in every member's box (and ``extra_members``', e.g. one just removed, who sees
        his removal) and push it; the sender's copy."""
        if random_id is not None and (previous := sender.mailbox.by_random_id(group.marked_id, random_id)):
            return previous
        common = self._fields(sender, text, entities, options)
        answered = None if options.reply_to is None else sender.mailbox.get(options.reply_to)
        mentioned = set() if action is not None else self._mentioned(group.members, answered, text, entities)
        voice = plays(options.media)
        mine: SandboxMessage | None = None
        copies: dict[int, int] = {}
        for member_id in [*group.members, *extra_members]:
            owner = self.accounts[member_id]
            own = member_id == sender.id
            reply = options.reply_to
            reply_to = reply if own or reply is None else group.copy_in(sender.id, reply, member_id)
            named = member_id in mentioned and not own
            message = owner.mailbox.add(
                owner_id=owner.id, peer_id=group.marked_id, out=own, random_id=random_id if own else None,
                reply_to=reply_to, action=action, mentioned=named, media_unread=named or (voice and not own),
                **common,
            )  # fmt: skip
            mine = message if own else mine
            copies[member_id] = message.id
            self.pusher.push(
                owner.id, self.group_updates(group, message, owner.id),
                except_auth_key_id=self.except_auth_key_id if own else None,
            )  # fmt: skip
        assert mine is not None, "the sender is a member"
        group.record(copies)
        return mine

    def _mentioned(
        self, members: Iterable[int], answered: SandboxMessage | None, text: str, entities: tuple[Any, ...]
    ) -> set[int]:
        """The ``members`` a message mentions (``mentions.py``): named, by username, or the sender of the message it
        answers (``answered``)."""
        members = set(members)
        usernames = {
            account.username.lower(): member_id
            for member_id in members
            if (account := self.accounts.get(member_id)) is not None and account.username
        }  # fmt: skip
        found = mentioned_ids(text, entities, usernames)
        if answered is not None:
            found.add(answered.sender_id)
        return found & members

    def group_updates(self, group: BasicGroup, message: SandboxMessage, owner_id: int) -> types.Updates:
        """``updates`` telling ``owner_id`` about his copy ``message`` of a group message."""
        new = types.UpdateNewMessage(message=message_tl(message), pts=message.pts, pts_count=1)
        users = users_tl(self.accounts, [owner_id, message.sender_id, *action_users(message.action)], owner_id,
                         self.now)  # fmt: skip
        chats: list[types.TypeChat] = [group_tl(group, owner_id), *self._origins(message, owner_id)]
        return types.Updates(updates=[new], users=users, chats=chats, date=message.date, seq=0)

    def _origins(self, message: SandboxMessage, viewer_id: int) -> list[types.TypeChat]:
        """The channels ``message`` was forwarded from (a post, its automatic forward), as ``viewer_id`` sees them."""
        found: list[types.TypeChat] = []
        for marked in origins([message]):
            if (origin := self.channels.get(CHANNEL_ZERO - marked)) is not None:
                found.append(channel_tl(self.channels, origin, viewer_id))
        return found

    # --- channels ----------------------------------------------------------------------------------------
    def to_channel(
        self,
        channel: Channel,
        sender: Account,
        text: str = "",
        *,
        random_id: int | None = None,
        entities: tuple[Any, ...] = (),
        options: SendOptions = PLAIN,
        action: Any = None,
        on_stored: Callable[[SandboxMessage], None] | None = None,
    ) -> SandboxMessage:
        """Store the message in the channel's box (a comment in a discussion thread counted there: ``threads.py``),
        call ``on_stored`` with it and push it to every member; the message."""
        if random_id is not None and (known := channel.random_ids.get((sender.id, random_id))) is not None:
            previous = channel.box.get(known)
            if previous is not None:
                return previous
        message = channel.box.add(
            owner_id=channel.id, peer_id=channel.marked_id, out=False, reply_to=options.reply_to, action=action,
            **self._fields(sender, text, entities, options),
        )  # fmt: skip
        if random_id is not None:
            channel.random_ids[sender.id, random_id] = message.id
        if channel.megagroup and action is None:
            self._unread_by_members(channel, sender, message, options)
        elif action is None:  # a broadcast post: its poster is its first viewer
            channel.viewers[message.id] = {sender.id}
        if options.reply_to is not None:
            top = channel.thread_of.get(options.reply_to, options.reply_to)
            if (thread := channel.threads.get(top)) is not None and channel.megagroup:
                channel.thread_of[message.id] = top
                thread.add(message.id, sender.id, message.pts)
        if on_stored is not None:
            on_stored(message)
        member = channel.members.get(sender.id)
        if member is not None:
            member.read_inbox_max_id = message.id  # one's own message is read
            member.last_sent = self.now
        for member_id in channel.members:
            if self.channels.delivers():
                own = member_id == sender.id
                self.pusher.push(
                    member_id, self.channel_updates(channel, message, member_id),
                    except_auth_key_id=self.except_auth_key_id if own else None,
                )  # fmt: skip
        return message

    def _unread_by_members(
        self, channel: Channel, sender: Account, message: SandboxMessage, options: SendOptions
    ) -> None:
        """A supergroup's message mentioning members, or a voice message / round video, is unread by each member it
        concerns, the sender excepted (``ChannelMember.mentions``, ``unread_contents``)."""
        answered = None if options.reply_to is None else channel.box.get(options.reply_to)
        mentioned = self._mentioned(channel.members, answered, message.text, message.entities)
        voice = plays(options.media)
        for member_id, member in channel.members.items():
            if member_id != sender.id and (voice or member_id in mentioned):
                member.unread_contents.add(message.id)
                if member_id in mentioned:
                    member.mentions.add(message.id)

    def channel_updates(self, channel: Channel, message: SandboxMessage, viewer_id: int) -> types.Updates:
        """``updates`` telling ``viewer_id`` about a new message of the channel."""
        tl = channel_message_tl(channel, message, viewer_id)
        new = types.UpdateNewChannelMessage(message=tl, pts=message.pts, pts_count=1)
        users = users_tl(self.accounts, [viewer_id, message.sender_id, *action_users(message.action)], viewer_id,
                         self.now)  # fmt: skip
        chats: list[types.TypeChat] = [
            channel_tl(self.channels, channel, viewer_id),
            *self._origins(message, viewer_id),
        ]
        return types.Updates(updates=[new], users=users, chats=chats, date=message.date, seq=0)
