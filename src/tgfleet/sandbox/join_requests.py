"""Join requests and the joins by invite link of groups and channels
(https://core.telegram.org/api/invites#join-requests).

A link made with ``request_needed`` does not let a user in: ``messages.importChatInvite`` leaves a request (and
answers INVITE_REQUEST_SENT), which the chat's admins list (``messages.getChatInviteImporters`` with
``requested``) and approve or decline (``messages.hideChatJoinRequest``, ``hideAllChatJoinRequests``). A user
has at most one request per chat; asking again keeps the first. Who joined by a link, directly or approved, is
remembered as well (``getChatInviteImporters`` without ``requested``). Both are kept per chat (by its marked id)
and bounded: at most ``MAX_PENDING`` requests wait in one chat (past it USERS_TOO_MUCH), and the last
``MAX_JOINED`` joins are remembered.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PENDING = 10_000
MAX_JOINED = 10_000
RECENT = 3
"""Requesters ``updatePendingJoinRequests`` and a full chat's ``recent_requesters`` name, the newest first."""


@dataclass(frozen=True)
class Importer:
    """A user who asked to join by ``link_hash`` (``approved_by`` 0 while it waits) or joined by it."""

    user_id: int
    date: int
    link_hash: str
    about: str = ""
    approved_by: int = 0


class JoinRequests:
    """The pending requests and the joins by link of every chat."""

    def __init__(self) -> None:
        self._pending: dict[int, dict[int, Importer]] = {}  # chat -> user -> request, oldest first
        self._joined: dict[int, dict[int, Importer]] = {}  # chat -> user -> join, oldest first

    def ask(self, chat_id: int, request: Importer) -> bool:
        """Leave ``request``; False when the user's earlier request still waits (it stays as it was). OverflowError
        when the chat has ``MAX_PENDING`` requests waiting."""
        pending = self._pending.setdefault(chat_id, {})
        if request.user_id in pending:
            return False
        if len(pending) >= MAX_PENDING:
            raise OverflowError("too many join requests wait in this chat")
        pending[request.user_id] = request
        return True

    def take(self, chat_id: int, user_id: int) -> Importer | None:
        """The user's waiting request, no longer waiting (None if there is none)."""
        pending = self._pending.get(chat_id, {})
        found = pending.pop(user_id, None)
        if not pending:
            self._pending.pop(chat_id, None)
        return found

    def pending(self, chat_id: int, link_hash: str | None = None) -> list[Importer]:
        """The chat's waiting requests (only those by ``link_hash`` when given), the newest first."""
        found = self._pending.get(chat_id, {}).values()
        return [r for r in reversed(list(found)) if link_hash is None or r.link_hash == link_hash]

    def summary(self, chat_id: int) -> tuple[int, list[int]]:
        """How many requests wait in the chat and the ``RECENT`` newest requesters' ids (what an invite admin's
        ``updatePendingJoinRequests`` and full chat show)."""
        pending = self._pending.get(chat_id, {})
        newest = list(reversed(pending))[:RECENT]
        return len(pending), newest

    def joined(self, chat_id: int, link_hash: str | None = None) -> list[Importer]:
        """Who joined the chat by a link (only by ``link_hash`` when given), the newest first."""
        found = self._joined.get(chat_id, {}).values()
        return [r for r in reversed(list(found)) if link_hash is None or r.link_hash == link_hash]

    def record_join(self, chat_id: int, join: Importer) -> None:
        joined = self._joined.setdefault(chat_id, {})
        joined.pop(join.user_id, None)
        joined[join.user_id] = join
        if len(joined) > MAX_JOINED:
            del joined[next(iter(joined))]

    def forget_chat(self, chat_id: int) -> None:
        self._pending.pop(chat_id, None)
        self._joined.pop(chat_id, None)
