"""Invite links of groups and channels (https://core.telegram.org/api/invites).

A link is ``https://t.me/+<hash>``; each admin has one permanent link per chat (made on the first
``messages.exportChatInvite`` with ``legacy_revoke_permanent`` or on first use, a new one replacing it when
revoked) and any number of additional ones with an expiry date, a usage limit and a title. A link is usable
while it is not revoked, not expired and below its usage limit; otherwise INVITE_HASH_EXPIRED.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet import errors

LINK_PREFIX = "https://t.me/+"
MAX_TITLE = 32
MAX_USAGE_LIMIT = 99_999
MAX_LINKS = 1000
"""Links one admin may have made in one chat (revoked ones included); past it the oldest is forgotten."""


@dataclass
class Invite:
    hash: str
    chat_id: int
    """The chat's marked id (``-chat_id`` for a basic group, ``-100...`` for a channel)."""
    admin_id: int
    date: int
    permanent: bool
    expire_date: int | None = None
    usage_limit: int | None = None
    title: str | None = None
    usage: int = 0
    revoked: bool = False
    request_needed: bool = False
    """Joining by it leaves a join request for the admins to approve (``join_requests.py``)."""

    @property
    def link(self) -> str:
        return LINK_PREFIX + self.hash

    def usable(self, now: float) -> bool:
        expired = self.expire_date is not None and self.expire_date <= now
        used_up = self.usage_limit is not None and self.usage >= self.usage_limit
        return not (self.revoked or expired or used_up)


def link_hash(link: str) -> str:
    """The hash of ``https://t.me/+HASH``, ``t.me/joinchat/HASH`` or a bare hash."""
    text = link.strip()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    for prefix in ("t.me/+", "t.me/joinchat/", "telegram.me/joinchat/", "+"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


class Invites:
    """Every invite link by hash."""

    def __init__(self, random: Callable[[int], bytes]) -> None:
        self._random = random
        self._by_hash: dict[str, Invite] = {}

    def create(
        self,
        chat_id: int,
        admin_id: int,
        date: int,
        *,
        permanent: bool = False,
        expire_date: int | None = None,
        usage_limit: int | None = None,
        title: str | None = None,
        request_needed: bool = False,
    ) -> Invite:
        """A new link (USAGE_LIMIT_INVALID, also for a limit on a link that needs approval, as the Bot API's
        createChatInviteLink says: https://core.telegram.org/bots/api#createchatinvitelink; EXPIRE_DATE_INVALID; a
        title is cut to 32 characters)."""
        if usage_limit is not None and (request_needed or not 0 < usage_limit <= MAX_USAGE_LIMIT):
            raise errors.UsageLimitInvalid()
        if expire_date is not None and expire_date <= date:
            raise errors.ExpireDateInvalid()
        made = [i for i in self._by_hash.values() if i.chat_id == chat_id and i.admin_id == admin_id]
        if len(made) >= MAX_LINKS:  # the sandbox's memory stays bounded: the oldest goes
            del self._by_hash[made[0].hash]
        code = base64.urlsafe_b64encode(self._random(12)).decode("ascii")
        invite = Invite(
            code, chat_id, admin_id, date, permanent, expire_date, usage_limit, title and title[:MAX_TITLE],
            request_needed=request_needed,
        )  # fmt: skip
        self._by_hash[code] = invite
        return invite

    def permanent(self, chat_id: int, admin_id: int, date: int, *, replace: bool = False) -> Invite:
        """The admin's permanent link of the chat (``replace``: revoke it and make a new one)."""
        found = [i for i in self._by_hash.values() if i.chat_id == chat_id and i.admin_id == admin_id]
        current = next((i for i in found if i.permanent and not i.revoked), None)
        if current is not None and not replace:
            return current
        if current is not None:
            current.revoked = True
        return self.create(chat_id, admin_id, date, permanent=True)

    def get(self, code: str) -> Invite | None:
        return self._by_hash.get(code)

    def of_chat(self, chat_id: int, link: str) -> Invite | None:
        """The chat's link ``link`` (INVITE_HASH_INVALID-worthy when None)."""
        invite = self._by_hash.get(link_hash(link))
        return invite if invite is not None and invite.chat_id == chat_id else None

    def use(self, invite: Invite) -> None:
        invite.usage += 1
