"""Reading a private chat: ``messages.getHistory``, ``messages.getMessages``, ``messages.search``
(https://core.telegram.org/api/offsets).

- getHistory: FROZEN_PARTICIPANT_MISSING for a frozen account and a peer it has no chat with; newest first;
  ``offset_id`` / ``offset_date`` pick the start, ``add_offset`` shifts it (negative: newer messages), ``max_id`` /
  ``min_id`` bound the ids, at most 100 per call; ``messages.messages`` when the whole chat fits, else
  ``messages.messagesSlice`` with the chat's count.
- getMessages: the caller's messages by id (``inputMessageID``) or the message each one answers
  (``inputMessageReplyTo``), in the order asked, ``messageEmpty`` for an id that is not (or no longer) there; more
  than 100 ids: LIMIT_INVALID.
- search: the chat's messages (a basic group's in the viewer's box, a channel's in its own) whose text contains
  ``q`` (case-insensitively; Telegram matches words, the sandbox substrings), from ``from_id`` if given, dated
  within ``min_date``..``max_date``, paged as getHistory; the filter ``inputMessagesFilterPinned`` gives the
  pinned message, ``inputMessagesFilterChatPhotos`` the ``messageActionChatEditPhoto`` service messages (the
  photos a group or channel has had, newest first: how clients list them, as Pyrogram's ``get_chat_photos``
  does), media filters nothing (not modelled).
- getSearchCounters: how many messages each filter finds in the chat (at most ``MAX_COUNTERS`` filters, else
  LIMIT_INVALID), https://core.telegram.org/method/messages.getSearchCounters.
- getSplitRanges: one range holding every message id (Telegram splits very long histories into several; the
  sandbox's ``invokeWithMessagesRange`` therefore passes its query through unchanged, ``dispatch.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.mailbox import Mailbox, SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import channel_answer, chat_history, dialog_chats
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.pages import MAX_LIMIT, history_page, messages_answer
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def get_history(world: World, ctx: CallContext, request: f_messages.GetHistory) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
    if (group_or_channel := chat_of(world, viewer, request.peer)) is not None:
        return chat_history(world, viewer, group_or_channel, request)
    peer = input_peer(world, viewer, request.peer)
    if peer is not viewer and not viewer.mailbox.has_chat(peer.id) and world.standing.frozen(viewer.id, world.clock()):
        raise errors.FrozenParticipantMissing()
    chat = viewer.mailbox.history(peer.id)
    page = history_page(
        chat[::-1],
        offset_id=request.offset_id,
        offset_date=request.offset_date,
        add_offset=request.add_offset,
        limit=request.limit,
        max_id=request.max_id,
        min_id=request.min_id,
    )
    return messages_answer(world, viewer, page, len(chat))


def _wanted(viewer: Account, wanted: types.TypeInputMessage) -> SandboxMessage | None:
    box = viewer.mailbox
    if isinstance(wanted, types.InputMessageID):
        return box.get(wanted.id)
    if isinstance(wanted, types.InputMessageReplyTo):
        message = box.get(wanted.id)
        return None if message is None or message.reply_to is None else box.get(message.reply_to)
    return None


async def get_messages(world: World, ctx: CallContext, request: f_messages.GetMessages) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
    if len(request.id) > MAX_LIMIT:
        raise errors.LimitInvalid()
    found = [(wanted, _wanted(viewer, wanted)) for wanted in request.id]
    present = [m for _, m in found if m is not None]
    messages: list[types.TypeMessage] = [
        message_tl(m) if m is not None else types.MessageEmpty(id=getattr(w, "id", 0)) for w, m in found
    ]
    users = users_tl(world.accounts, [viewer.id, *message_users(present)], viewer.id, world.clock())
    chats = dialog_chats(world, viewer, [m.peer_id for m in present])
    return t_messages.Messages(messages=messages, topics=[], chats=chats, users=users)


def _box_of(world: World, viewer: Account, peer: types.TypeInputPeer, chat: BasicGroup | Channel | None
            ) -> tuple[Mailbox, int]:  # fmt: skip
    """The box holding the chat's messages as the viewer sees them and the chat's peer id in it."""
    if isinstance(chat, Channel):
        return chat.box, chat.marked_id
    if chat is not None:
        return viewer.mailbox, chat.marked_id
    return viewer.mailbox, input_peer(world, viewer, peer).id


def _filtered(box: Mailbox, peer_id: int, wanted: types.TypeMessagesFilter) -> list[SandboxMessage]:
    """The chat's messages a search filter keeps, oldest first: all of them (``inputMessagesFilterEmpty``), the
    pinned one, the photos the chat has had (``inputMessagesFilterChatPhotos``: its
    ``messageActionChatEditPhoto`` service messages); media filters nothing (not modelled)."""
    messages = box.history(peer_id)
    if isinstance(wanted, types.InputMessagesFilterEmpty):
        return messages
    if isinstance(wanted, types.InputMessagesFilterPinned):
        pinned = next((d.pinned_message for d in box.dialogs() if d.peer_id == peer_id), 0)
        return [m for m in messages if m.id == pinned]
    if isinstance(wanted, types.InputMessagesFilterChatPhotos):
        return [m for m in messages if isinstance(m.action, types.MessageActionChatEditPhoto)]
    return []


def _matches(world: World, viewer: Account, request: f_messages.Search, chat: BasicGroup | Channel | None
             ) -> list[SandboxMessage]:  # fmt: skip
    box, peer_id = _box_of(world, viewer, request.peer, chat)
    sender = None if request.from_id is None else input_peer(world, viewer, request.from_id)
    query = request.q.casefold()
    return [
        m
        for m in _filtered(box, peer_id, request.filter)
        if query in m.text.casefold()
        and (sender is None or m.sender_id == sender.id)
        and request.min_date <= m.date
        and (request.max_date <= 0 or m.date <= request.max_date)
    ]


async def search(world: World, ctx: CallContext, request: f_messages.Search) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    found = _matches(world, viewer, request, chat)
    page = history_page(
        found[::-1],
        offset_id=request.offset_id,
        offset_date=0,
        add_offset=request.add_offset,
        limit=request.limit,
        max_id=request.max_id,
        min_id=request.min_id,
    )
    if isinstance(chat, Channel):
        return channel_answer(world, chat, viewer, page, len(found))
    return messages_answer(world, viewer, page, len(found))


MAX_COUNTERS = 32
"""Filters one getSearchCounters call may name (Telegram has a few dozen filters; more is LIMIT_INVALID)."""


async def get_search_counters(
    world: World, ctx: CallContext, request: f_messages.GetSearchCounters
) -> list[t_messages.SearchCounter]:
    viewer = world.authorized(ctx)
    if len(request.filters) > MAX_COUNTERS:
        raise errors.LimitInvalid()
    box, peer_id = _box_of(world, viewer, request.peer, chat_of(world, viewer, request.peer))
    return [t_messages.SearchCounter(filter=f, count=len(_filtered(box, peer_id, f))) for f in request.filters]


MAX_ID = (1 << 31) - 1


async def get_split_ranges(
    world: World, ctx: CallContext, request: f_messages.GetSplitRanges
) -> list[types.MessageRange]:
    world.authorized(ctx)
    return [types.MessageRange(min_id=1, max_id=MAX_ID)]


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetSplitRanges: get_split_ranges,
    f_messages.GetHistory: get_history,
    f_messages.GetMessages: get_messages,
    f_messages.Search: search,
    f_messages.GetSearchCounters: get_search_counters,
}
