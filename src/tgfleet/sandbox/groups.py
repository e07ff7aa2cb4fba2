"""Basic groups: who is in them, their titles, descriptions and admins (https://core.telegram.org/api/channel).

A basic group's messages live in each member's own mailbox, like a private chat's (``mailbox.py``: the chat's
``peer_id`` is the group's marked id, ``-chat_id``), so they share the member's common pts; only the group's
own state is here. Its creator is its owner; admins (``messages.editChatAdmin``) are set by the creator alone;
every member may add members (the default rights of a new group). ``version`` counts changes of the member
list, as ``chatParticipants`` reports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tgfleet.sandbox.files import StoredFile

MAX_MEMBERS = 200
"""Members of a basic group at most (``chat_size_max``; Telegram converts bigger ones to supergroups)."""
_MIN_ID, _ID_SPAN = 100_000_000, 900_000_000


@dataclass
class GroupMember:
    user_id: int
    inviter_id: int
    date: int
    admin: bool = False


@dataclass
class BasicGroup:
    """One basic group's mutable state."""

    id: int
    title: str
    creator_id: int
    date: int
    about: str = ""
    members: dict[int, GroupMember] = field(default_factory=dict)
    version: int = 1
    deactivated: bool = False
    noforwards: bool = False
    """Its content is protected (``messages.toggleNoForwards``): no message of it may be forwarded."""
    photo: StoredFile | None = None
    """The group's photo (``photos.py``)."""
    copies: list[dict[int, int]] = field(default_factory=list)
    """Per message of the group, oldest first: each member's copy (member -> the id in his box)."""
    _copy_of: dict[tuple[int, int], int] = field(default_factory=dict)

    def record(self, copies: dict[int, int]) -> None:
        """A new message's copies (member -> id in his box), so a reply can name each member's copy."""
        self._copy_of.update({(owner, message_id): len(self.copies) for owner, message_id in copies.items()})
        self.copies.append(copies)

    def copy_in(self, owner_id: int, message_id: int, member_id: int) -> int | None:
        """The id in ``member_id``'s box of the message ``message_id`` of ``owner_id``'s box."""
        index = self._copy_of.get((owner_id, message_id))
        return None if index is None else self.copies[index].get(member_id)

    def copies_of(self, owner_id: int, message_id: int) -> dict[int, int]:
        """Every member's copy (member -> id in his box) of the message ``message_id`` of ``owner_id``'s box."""
        index = self._copy_of.get((owner_id, message_id))
        return {} if index is None else dict(self.copies[index])

    @property
    def marked_id(self) -> int:
        """The id the group's chat has in its members' mailboxes (and in the Bot API)."""
        return -self.id

    def is_admin(self, user_id: int) -> bool:
        member = self.members.get(user_id)
        return user_id == self.creator_id or (member is not None and member.admin)

    def add_member(self, user_id: int, inviter_id: int, date: int) -> None:
        self.members[user_id] = GroupMember(user_id, inviter_id, date)
        self.version += 1

    def remove_member(self, user_id: int) -> None:
        self.members.pop(user_id, None)
        self.version += 1


class Groups:
    """Every basic group by id; new ones get a random id in [10^8, 10^9)."""

    def __init__(self, random: Callable[[int], bytes]) -> None:
        self._random = random
        self._by_id: dict[int, BasicGroup] = {}

    def create(self, title: str, creator_id: int, date: int) -> BasicGroup:
        group_id = _MIN_ID + int.from_bytes(self._random(8), "big") % _ID_SPAN
        while group_id in self._by_id:
            group_id = _MIN_ID + int.from_bytes(self._random(8), "big") % _ID_SPAN
        group = BasicGroup(group_id, title, creator_id, date)
        group.members[creator_id] = GroupMember(creator_id, creator_id, date)
        self._by_id[group_id] = group
        return group

    def get(self, group_id: int) -> BasicGroup | None:
        return self._by_id.get(group_id)

    def of_member(self, user_id: int) -> list[BasicGroup]:
        return [g for g in self._by_id.values() if user_id in g.members]
