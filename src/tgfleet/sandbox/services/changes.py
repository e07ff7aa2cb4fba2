"""Changing a private chat: ``messages.editMessage``, ``messages.deleteMessages``, ``messages.deleteHistory``,
``messages.readHistory``, ``messages.readMessageContents``, ``messages.readMentions``, ``messages.updatePinnedMessage``,
``messages.setTyping`` (the changes themselves: ``chat_changes.py``).

- editMessage: MESSAGE_ID_INVALID for an id not in that chat, MESSAGE_AUTHOR_REQUIRED for an incoming message,
  MESSAGE_NOT_MODIFIED for the same text and entities (a media message's text is its caption, which may be
  empty: MEDIA_CAPTION_TOO_LONG), MESSAGE_EDIT_TIME_EXPIRED ``EDIT_TIME_LIMIT`` (48 h) after
  it was sent (by the world's clock; never in Saved Messages, as on Telegram), MESSAGE_EMPTY / MESSAGE_TOO_LONG;
  the answer is ``updates`` with ``updateEditMessage``, the other side gets its copy's ``updateEditMessage``.
  Scheduled messages are not modelled.
- deleteMessages: ``messages.affectedMessages`` (pts, pts_count); ids that are not there are skipped; ``revoke``
  deletes the other side's copies too; MESSAGE_IDS_EMPTY for none, LIMIT_INVALID for more than 100.
- deleteHistory: the caller's messages of a private chat or basic group, all of them or up to ``max_id``, within
  ``min_date`` / ``max_date`` when given, deleted as deleteMessages deletes them (``revoke``: a private chat's
  other side too; a basic group's history is cleared for the caller only); ``messages.affectedHistory`` with the
  caller's pts, all at once (``offset`` 0: nothing left to repeat the call for). A channel's or supergroup's peer:
  PEER_ID_INVALID (their history is ``channels.deleteHistory``'s). ``just_clear`` changes nothing here: the sandbox
  keeps no dialog apart from its messages.
- readHistory: the chat read up to ``max_id`` (0: all), ``messages.affectedMessages``; the sender's side gets
  ``updateReadHistoryOutbox``.
- readMessageContents: the caller's unread mentions, voice messages and round videos of the common box (private
  chats, basic groups) by id marked read, ``messages.affectedMessages`` (one pts event, pts_count 0 when nothing was
  unread); his other sessions get ``updateReadMessagesContents``, and so does a private message's sender, whose
  copy is played too; MESSAGE_IDS_EMPTY for none, LIMIT_INVALID for more than 100. readMentions reads all of a
  chat's unread mentions that way (``messages.affectedHistory``); a dialog counts them (``unread_mentions_count``).
  A supergroup's (readMentions with its peer; its contents by id: channels.readMessageContents) are the member's
  own, in ``services/group_changes.py``.
- updatePinnedMessage: MESSAGE_ID_INVALID for an id not in that chat; ``unpin``; ``pm_oneside`` pins for the
  caller only; ``updates`` with ``updatePinnedMessages``. (Telegram also posts a "pinned" service message; the
  sandbox does not.)
- setTyping: ``true``; the peer's sessions get ``updateUserTyping``.

A basic group's, supergroup's or channel's peer goes to ``services/group_changes.py``, with its own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_changes import ChatChanges
from tgfleet.sandbox.chats import check_caption, check_text
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.services import ServiceFn, group_changes
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

EDIT_TIME_LIMIT = 48 * 3600
"""Seconds after sending during which a message can be edited (``edit_time_limit`` of help.getConfig)."""
MAX_IDS = 100


def _changes(world: World, ctx: CallContext) -> ChatChanges:
    return ChatChanges(world.accounts, world.pusher, world.clock(), ctx.auth_key_id)


def message_in(viewer: Account, peer: Account, message_id: int) -> SandboxMessage:
    """The message ``message_id`` of the chat with ``peer``, or MESSAGE_ID_INVALID."""
    message = viewer.mailbox.get(message_id)
    if message is None or message.peer_id != peer.id:
        raise errors.MessageIdInvalid()
    return message


def edited_text(message: SandboxMessage, request: f_messages.EditMessage) -> tuple[str, tuple[object, ...]]:
    """The text (a media message's caption) and entities ``request`` gives ``message``: MESSAGE_NOT_MODIFIED,
    MESSAGE_EMPTY / MESSAGE_TOO_LONG for a text, MEDIA_CAPTION_TOO_LONG for a caption (which may be empty)."""
    text = message.text if request.message is None else request.message
    entities = (
        message.entities if request.entities is None and request.message is None else tuple(request.entities or ())
    )
    if message.media is None:
        check_text(text)
    else:
        check_caption(text)
    if text == message.text and entities == message.entities:
        raise errors.MessageNotModified()
    return text, entities


def _expired(world: World, message: SandboxMessage) -> None:
    if world.clock() - message.date > EDIT_TIME_LIMIT:
        raise errors.MessageEditTimeExpired()


async def edit_message(world: World, ctx: CallContext, request: f_messages.EditMessage) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    if (chat := chat_of(world, viewer, request.peer)) is not None:
        message = group_changes.chat_message(viewer, chat, request.id)
        timed = group_changes.may_edit(chat, viewer, message)
        text, entities = edited_text(message, request)
        if timed:
            _expired(world, message)
        return group_changes.edit(world, ctx, viewer, chat, message, text, entities)
    peer = input_peer(world, viewer, request.peer)
    message = message_in(viewer, peer, request.id)
    if not message.out:
        raise errors.MessageAuthorRequired()
    text, entities = edited_text(message, request)
    if peer is not viewer:
        _expired(world, message)
    return _changes(world, ctx).edit(viewer, message, text, entities)


async def delete_messages(
    world: World, ctx: CallContext, request: f_messages.DeleteMessages
) -> t_messages.AffectedMessages:
    viewer = world.authorized(ctx)
    if not request.id:
        raise errors.MessageIdsEmpty()
    if len(request.id) > MAX_IDS:
        raise errors.LimitInvalid()
    ids = list(request.id)
    revokes = group_changes.group_revokes(world, viewer, ids, revoke=request.revoke)
    in_groups = group_changes.group_changes(world, ctx)
    others = [(group, in_groups.others_copies(group, viewer, mine)) for group, mine in revokes]
    pts, count = _changes(world, ctx).delete(viewer, ids, revoke=request.revoke)
    for group, copies in others:
        in_groups.delete_copies(group, copies)
    return t_messages.AffectedMessages(pts=pts, pts_count=count)


async def delete_history(
    world: World, ctx: CallContext, request: f_messages.DeleteHistory
) -> t_messages.AffectedHistory:
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    if isinstance(chat, Channel):
        raise errors.PeerIdInvalid()
    peer_id = chat.marked_id if chat is not None else input_peer(world, viewer, request.peer).id
    low, high = request.min_date, request.max_date
    ids = [
        m.id for m in viewer.mailbox.history(peer_id)
        if (not request.max_id or m.id <= request.max_id) and (low is None or m.date >= low)
        and (high is None or m.date <= high)
    ]  # fmt: skip
    pts, count = _changes(world, ctx).delete(viewer, ids, revoke=request.revoke and chat is None)
    return t_messages.AffectedHistory(pts=pts, pts_count=count, offset=0)


async def read_history(world: World, ctx: CallContext, request: f_messages.ReadHistory) -> t_messages.AffectedMessages:
    viewer = world.authorized(ctx)
    if (chat := chat_of(world, viewer, request.peer)) is not None:
        pts, count = group_changes.read(world, ctx, viewer, chat, request.max_id)
        return t_messages.AffectedMessages(pts=pts, pts_count=count)
    peer = input_peer(world, viewer, request.peer)
    pts, count = _changes(world, ctx).read(viewer, peer.id, request.max_id)
    viewer.marks.read(peer.id)
    return t_messages.AffectedMessages(pts=pts, pts_count=count)


async def read_message_contents(
    world: World, ctx: CallContext, request: f_messages.ReadMessageContents
) -> t_messages.AffectedMessages:
    """The viewer's messages of the common box (private chats, basic groups) by id: their mention, voice message
    or round video read (https://core.telegram.org/method/messages.readMessageContents). Ids not in his box, or
    read already, are skipped; MESSAGE_IDS_EMPTY for none, LIMIT_INVALID for more than :data:`MAX_IDS`."""
    viewer = world.authorized(ctx)
    ids = list(dict.fromkeys(request.id))
    if not ids:
        raise errors.MessageIdsEmpty()
    if len(ids) > MAX_IDS:
        raise errors.LimitInvalid()
    pts, count = _changes(world, ctx).read_contents(viewer, ids)
    return t_messages.AffectedMessages(pts=pts, pts_count=count)


async def read_mentions(world: World, ctx: CallContext, request: f_messages.ReadMentions) -> t_messages.AffectedHistory:
    """Every unread mention of the viewer in a private chat or basic group read at once, as readMessageContents
    reads them (https://core.telegram.org/method/messages.readMentions); ``top_msg_id`` (a forum topic) is not
    modelled. A supergroup's: ``group_changes.read_mentions``."""
    viewer = world.authorized(ctx)
    chat = chat_of(world, viewer, request.peer)
    if isinstance(chat, Channel):
        return group_changes.read_mentions(world, ctx, viewer, chat)
    peer_id = chat.marked_id if chat is not None else input_peer(world, viewer, request.peer).id
    pts, count = _changes(world, ctx).read_contents(viewer, viewer.mailbox.unread_mentions(peer_id))
    return t_messages.AffectedHistory(pts=pts, pts_count=count, offset=0)


async def update_pinned_message(
    world: World, ctx: CallContext, request: f_messages.UpdatePinnedMessage
) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    if (chat := chat_of(world, viewer, request.peer)) is not None:
        return group_changes.pin(world, ctx, viewer, chat, request)
    peer = input_peer(world, viewer, request.peer)
    message_in(viewer, peer, request.id)
    return _changes(world, ctx).pin(viewer, peer.id, request.id, pin=not request.unpin, one_side=request.pm_oneside)


async def set_typing(world: World, ctx: CallContext, request: f_messages.SetTyping) -> bool:
    viewer = world.authorized(ctx)
    if (chat := chat_of(world, viewer, request.peer)) is not None:
        group_changes.typing(world, viewer, chat, request.action)
        return True
    peer = input_peer(world, viewer, request.peer)
    if peer is not viewer:
        update = types.UpdateUserTyping(user_id=viewer.id, action=request.action)
        world.pusher.push(peer.id, types.UpdateShort(update=update, date=int(world.clock())))
    return True


HANDLERS: dict[type, ServiceFn] = {
    f_messages.EditMessage: edit_message,
    f_messages.DeleteMessages: delete_messages,
    f_messages.DeleteHistory: delete_history,
    f_messages.ReadHistory: read_history,
    f_messages.ReadMessageContents: read_message_contents,
    f_messages.ReadMentions: read_mentions,
    f_messages.UpdatePinnedMessage: update_pinned_message,
    f_messages.SetTyping: set_typing,
}
