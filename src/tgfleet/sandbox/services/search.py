"""``messages.searchGlobal`` over the caller's private chats (https://core.telegram.org/method/messages.searchGlobal).

The messages of every chat whose text contains ``q`` (case-insensitively; Telegram matches words, the sandbox
substrings, as ``messages.search`` does), dated within ``min_date``..``max_date``, newest first, at most 100 per call;
SEARCH_QUERY_EMPTY for an empty ``q`` without a filter. Paging as Telegram pages it
(https://core.telegram.org/api/offsets): the next call names the last message's date (``offset_rate``), chat and id,
and gets the messages older than it; ``messages.messagesSlice`` (with ``next_rate``) while more remain. Media filters
find nothing (the sandbox has no media); ``broadcasts_only`` / ``groups_only`` find nothing either (no channels or
groups), ``users_only`` everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.pages import MAX_LIMIT
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _found(messages: list[SandboxMessage], request: f_messages.SearchGlobal) -> list[SandboxMessage]:
    """The matching messages, newest first (a box's ids grow with time, across its chats)."""
    if not isinstance(request.filter, types.InputMessagesFilterEmpty) or request.broadcasts_only or request.groups_only:
        return []
    query = request.q.casefold()
    found = [
        m
        for m in messages
        if query in m.text.casefold()
        and request.min_date <= m.date
        and (request.max_date <= 0 or m.date <= request.max_date)
    ]
    return sorted(found, key=lambda m: m.id, reverse=True)


async def search_global(world: World, ctx: CallContext, request: f_messages.SearchGlobal) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
    if not request.q.strip() and isinstance(request.filter, types.InputMessagesFilterEmpty):
        raise errors.SearchQueryEmpty()
    found = _found(viewer.mailbox.all_messages(), request)
    older = [m for m in found if request.offset_id <= 0 or m.id < request.offset_id]
    page = older[: min(max(request.limit, 0), MAX_LIMIT)]
    messages: list[types.TypeMessage] = [message_tl(m) for m in page]
    users = users_tl(world.accounts, [viewer.id, *message_users(page)], viewer.id, world.clock())
    if len(page) == len(found):
        return t_messages.Messages(messages=messages, topics=[], chats=[], users=users)
    next_rate = page[-1].date if len(page) < len(older) else None
    return t_messages.MessagesSlice(
        count=len(found), next_rate=next_rate, messages=messages, topics=[], chats=[], users=users
    )


HANDLERS: dict[type, ServiceFn] = {f_messages.SearchGlobal: search_global}
