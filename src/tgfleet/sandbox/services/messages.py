"""``messages.sendMessage``, ``messages.getHistory``, ``messages.getDialogs`` for private chats.

- sendMessage: PEER_ID_INVALID (unknown peer, wrong access hash, non-user peers), INPUT_USER_DEACTIVATED (a
  deleted user), MESSAGE_EMPTY, MESSAGE_TOO_LONG (> 4096 UTF-16 code units), PEER_FLOOD for a message that would
  start a chat with a non-contact past the day's new peers (``peer_limits.py``); ``inputPeerSelf`` is Saved
  Messages; the result is ``updateShortSentMessage``; a ``random_id`` repeated towards the same peer returns the
  original message, never a second one nor RANDOM_ID_DUPLICATE (Telegram's answer only while the first call is in
  progress; see ``chats``). Scheduling, replies and media are not modelled (``schedule_date`` is ignored: the
  message goes out now).
- getHistory: FROZEN_PARTICIPANT_MISSING for a frozen account and a peer it has no chat with; newest first;
  ``offset_id`` / ``offset_date`` pick the start, ``add_offset`` shifts it (negative: newer messages), ``max_id`` /
  ``min_id`` bound the ids, at most 100 per call; ``messages.messages`` when the whole chat fits, else
  ``messages.messagesSlice`` with the chat's count.
- getDialogs: most recent first, paged by ``offset_id`` (or ``offset_date``); ``messages.dialogs`` when all
  fit, else ``messages.dialogsSlice``; the archive (folder 1) is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.chats import check_text, saved_message, send_private, sent_message
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import dialog_tl, message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_LIMIT = 100


async def send_message(world: World, ctx: CallContext, request: f_messages.SendMessage) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    recipient = input_peer(world, sender, request.peer)
    if recipient.deleted:
        raise errors.InputUserDeactivated()
    check_text(request.message)
    new_peer = recipient is not sender and not sender.mailbox.has_chat(recipient.id)
    if new_peer and not world.contacts.has(sender.id, recipient.id):
        world.peer_guard.new_peer(sender.id, world.clock())
    entities = tuple(request.entities or ())
    message = send_private(
        world.accounts,
        world.pusher,
        world.clock(),
        sender,
        recipient,
        request.message,
        random_id=request.random_id,
        entities=entities,
        except_auth_key_id=ctx.auth_key_id,
    )
    if recipient.id == sender.id:  # Saved Messages: Telegram answers with the full updates (Pyrogram relies on it)
        return saved_message(world.accounts, message, request.random_id, world.clock())
    return sent_message(message)


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


async def get_history(world: World, ctx: CallContext, request: f_messages.GetHistory) -> t_messages.TypeMessages:
    viewer = world.authorized(ctx)
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
    messages: list[types.TypeMessage] = [message_tl(m) for m in page]
    users = users_tl(world.accounts, [peer.id, *message_users(page)], viewer.id, world.clock())
    if len(page) == len(chat):
        return t_messages.Messages(messages=messages, topics=[], chats=[], users=users)
    return t_messages.MessagesSlice(count=len(chat), messages=messages, topics=[], chats=[], users=users)


async def get_dialogs(world: World, ctx: CallContext, request: f_messages.GetDialogs) -> t_messages.TypeDialogs:
    viewer = world.authorized(ctx)
    box = viewer.mailbox
    dialogs = [] if request.folder_id == 1 else box.dialogs()
    kept = dialogs
    if request.offset_id > 0:
        kept = [d for d in dialogs if d.top_message < request.offset_id]
    elif request.offset_date > 0:
        kept = [d for d in dialogs if box.message(d.top_message).date < request.offset_date]
    page = kept[: min(max(request.limit, 0), MAX_LIMIT)]
    tops = [box.message(d.top_message) for d in page]
    users = users_tl(world.accounts, [d.peer_id for d in page] + message_users(tops), viewer.id, world.clock())
    found: list[types.TypeDialog] = [dialog_tl(d) for d in page]
    messages: list[types.TypeMessage] = [message_tl(m) for m in tops]
    if len(page) == len(dialogs):
        return t_messages.Dialogs(dialogs=found, messages=messages, chats=[], users=users)
    return t_messages.DialogsSlice(count=len(dialogs), dialogs=found, messages=messages, chats=[], users=users)


HANDLERS: dict[type, ServiceFn] = {
    f_messages.SendMessage: send_message,
    f_messages.GetHistory: get_history,
    f_messages.GetDialogs: get_dialogs,
}
