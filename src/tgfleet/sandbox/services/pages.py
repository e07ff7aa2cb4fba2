"""Pages of a chat's messages, as ``messages.getHistory`` and ``messages.search`` return them
(https://core.telegram.org/api/offsets), for private chats (``history.py``) and groups (``chat_messages.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chat_views import chats_tl, origins
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_LIMIT = 100


def history_page(
    newest_first: list[SandboxMessage],
    *,
    offset_id: int,
    offset_date: int,
    add_offset: int,
    limit: int,
    max_id: int,
    min_id: int,
) -> list[SandboxMessage]:
    """The slice of a chat that getHistory returns (https://core.telegram.org/api/offsets)."""
    kept = [m for m in newest_first if (max_id <= 0 or m.id < max_id) and m.id > min_id]
    if offset_id > 0:
        start = next((i for i, m in enumerate(kept) if m.id < offset_id), len(kept))
    elif offset_date > 0:
        start = next((i for i, m in enumerate(kept) if m.date < offset_date), len(kept))
    else:
        start = 0
    begin = start + add_offset
    end = begin + min(max(limit, 0), MAX_LIMIT)
    return kept[max(begin, 0) : max(end, 0)]


def messages_answer(world: World, viewer: Account, page: list[SandboxMessage], total: int) -> t_messages.TypeMessages:
    """``messages.messages`` when ``page`` is all there is, else ``messages.messagesSlice`` counting ``total``."""
    messages: list[types.TypeMessage] = [message_tl(m) for m in page]
    users = users_tl(world.accounts, [viewer.id, *message_users(page)], viewer.id, world.clock())
    chats = chats_tl(world.groups, world.channels, [*(m.peer_id for m in page), *origins(page)], viewer.id)
    if len(page) == total:
        return t_messages.Messages(messages=messages, topics=[], chats=chats, users=users)
    return t_messages.MessagesSlice(count=total, messages=messages, topics=[], chats=chats, users=users)
