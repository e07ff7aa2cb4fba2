"""Scheduled messages (https://core.telegram.org/api/scheduled-messages): ``messages.sendMessage`` and
``messages.sendMedia`` with a ``schedule_date`` (``schedule``), and ``messages.sendMultiMedia`` (an album, its
messages sharing one ``grouped_id``) and ``messages.forwardMessages`` (each with its origin) with one
(``schedule_all``), into a private chat, a group or a channel;
``getScheduledHistory``, ``getScheduledMessages``, ``deleteScheduledMessages`` and ``sendScheduledMessages``; and
``send_scheduled``, which sends one at its date.

- scheduling: after the send's own checks (peer, text, reply, blocks, PEER_FLOOD; in a chat: may the sender post
  there), SCHEDULE_BOT_NOT_ALLOWED for a bot, SCHEDULE_DATE_INVALID for a date
  not in the future, SCHEDULE_DATE_TOO_LATE beyond :data:`MAX_AHEAD` (365 days), SCHEDULE_TOO_MUCH past
  :data:`scheduled.MAX_PER_CHAT` in the chat (counting every message of an album or forward); the answer is
  ``updates`` with ``updateMessageID`` (the scheduled id) and ``updateNewScheduledMessage`` for each, which the
  sender's other sessions get too; a ``random_id`` already scheduled towards that peer answers the same message
  again. At its date ``scheduler.py`` sends it (an album's messages keep their ``grouped_id``, a forward its
  origin).
- getScheduledHistory: the chat's scheduled messages, the latest date first (``hash`` is not checked: always the
  list); getScheduledMessages: those of the given ids (the others left out).
- deleteScheduledMessages / sendScheduledMessages: those of the given ids that wait in the chat are deleted, or sent
  now; ``updates`` with ``updateDeleteScheduledMessages`` (sending: the new messages arrive as any message does).
- at its date a post into a group or channel is sent as the owner's message (the members get it pushed; a channel's
  post reaches its discussion group), unless the owner may no longer post there (left, banned, no rights): then it
  is dropped. Slow mode does not hold a scheduled post back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chat_views import chats_tl
from tgfleet.sandbox.chats import ChatsFor, SendOptions
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.scheduled import MAX_PER_CHAT, ScheduledMessage
from tgfleet.sandbox.scheduler import announce_due, options_of, send_due
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import may_send, post
from tgfleet.sandbox.services.chat_peers import chat_by_marked_id, chat_of
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import peer_of, scheduled_tl, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_AHEAD = 365 * 86400
"""How far ahead a message may be scheduled (SCHEDULE_DATE_TOO_LATE beyond)."""


def _peers(world: World, viewer: Account, peer_ids: list[int]) -> tuple[list[types.TypeUser], list[types.TypeChat]]:
    """The users and chats of these marked ids, as ``viewer`` sees them (``viewer`` among the users)."""
    users = users_tl(world.accounts, [viewer.id, *(i for i in peer_ids if i > 0)], viewer.id, world.clock())
    return users, chats_tl(world.groups, world.channels, peer_ids, viewer.id)


def _updates(world: World, viewer: Account, peer_ids: list[int], updates: list[types.TypeUpdate]) -> types.Updates:
    users, chats = _peers(world, viewer, peer_ids)
    return types.Updates(updates=updates, users=users, chats=chats, date=int(world.clock()), seq=0)


@dataclass(frozen=True)
class Draft:
    """One message of a scheduling call: its text (a caption for media), entities, ``random_id`` and how it is sent
    (``options``: reply, flags, media, album, a forward's origin)."""

    text: str
    entities: tuple[Any, ...]
    random_id: int
    options: SendOptions


def _answer(world: World, owner: Account, found: list[tuple[ScheduledMessage, int]]) -> types.Updates:
    """``updateMessageID`` and ``updateNewScheduledMessage`` for each ``(message, random_id)``, in order."""
    updates: list[types.TypeUpdate] = []
    for message, random_id in found:
        updates.append(types.UpdateMessageID(id=message.id, random_id=random_id))
        updates.append(types.UpdateNewScheduledMessage(message=scheduled_tl(message)))
    return _updates(world, owner, _named([m for m, _ in found]), updates)


def named_chats(world: World, marked_ids: list[int]) -> ChatsFor:
    """The groups and channels among ``marked_ids`` as each viewer sees them (``chats.send_private``'s ``chats``)."""
    return lambda viewer_id: chats_tl(world.groups, world.channels, marked_ids, viewer_id)


def _named(messages: list[ScheduledMessage]) -> list[int]:
    """The marked ids scheduled messages name: their chats and their forwards' origins."""
    return [i for m in messages for i in (m.peer_id, *(() if m.forward is None else (m.forward.peer_id,)))]


def schedule(
    world: World,
    ctx: CallContext,
    sender: Account,
    peer_id: int,
    request: f_messages.SendMessage | f_messages.SendMedia,
    options: SendOptions,
) -> types.Updates:
    """Keep ``request`` (checked by sendMessage / sendMedia; ``peer_id``: the chat's marked id) to be sent at its
    ``schedule_date``, with ``options.media`` if it has any."""
    draft = Draft(request.message, tuple(request.entities or ()), request.random_id, options)
    return schedule_all(world, ctx, sender, peer_id, request.schedule_date or 0, [draft])


def schedule_all(
    world: World, ctx: CallContext, sender: Account, peer_id: int, date: int, drafts: list[Draft]
) -> types.Updates:
    """Keep ``drafts`` (checked by their send call: an album's items, a forward's messages) to be sent into the chat
    ``peer_id`` at ``date``; those whose ``random_id`` is already scheduled there are answered as they are."""
    now = world.clock()
    if sender.bot:
        raise errors.ScheduleBotNotAllowed()
    if date <= now:
        raise errors.ScheduleDateInvalid()
    if date > now + MAX_AHEAD:
        raise errors.ScheduleDateTooLate()
    box = sender.scheduled
    known = {d.random_id: m for d in drafts if (m := box.by_random_id(peer_id, d.random_id)) is not None}
    if len(box.in_chat(peer_id)) + len(drafts) - len(known) > MAX_PER_CHAT:
        raise errors.ScheduleTooMuch()
    found: list[tuple[ScheduledMessage, int]] = []
    for draft in drafts:
        message = known.get(draft.random_id)
        if message is None:
            options = draft.options
            message = box.add(
                owner_id=sender.id, peer_id=peer_id, date=date, text=draft.text, entities=draft.entities,
                random_id=draft.random_id, reply_to=options.reply_to, silent=options.silent,
                noforwards=options.noforwards, media=options.media, grouped_id=options.grouped_id,
                forward=options.forward,
            )  # fmt: skip
            world.scheduler.add(message)
        found.append((message, draft.random_id))
    answer = _answer(world, sender, found)
    if len(known) < len(drafts):
        world.pusher.push(sender.id, answer, except_auth_key_id=ctx.auth_key_id)
    return answer


def send_scheduled(world: World, owner: Account, message: ScheduledMessage) -> int:
    """Send one scheduled message now (taken out of its owner's box already); 1 if sent, 0 if dropped."""
    now = world.clock()
    if message.peer_id > 0:
        return send_due(world.accounts, world.pusher, now, owner, message, chats=named_chats(world, _named([message])))
    chat = chat_by_marked_id(world, message.peer_id)
    try:
        if chat is None or owner.deleted:
            raise errors.PeerIdInvalid()
        may_send(world, chat, owner)
    except errors.SlowmodeWait:
        pass  # the post was allowed when it was scheduled
    except errors.RPCError:
        return announce_due(world.pusher, now, owner, message, None)
    assert chat is not None
    sent, _ = post(world, None, owner, chat, message.text, message.random_id, message.entities, options_of(message))
    return announce_due(world.pusher, now, owner, message, sent.id)


def _listed(world: World, viewer: Account, found: list[ScheduledMessage]) -> t_messages.Messages:
    users, chats = _peers(world, viewer, _named(found))
    return t_messages.Messages(messages=[scheduled_tl(m) for m in found], topics=[], chats=chats, users=users)


async def get_scheduled_history(
    world: World, ctx: CallContext, request: f_messages.GetScheduledHistory
) -> t_messages.Messages:
    viewer = world.authorized(ctx)
    return _listed(world, viewer, viewer.scheduled.in_chat(_peer_id(world, viewer, request.peer)))


def _peer_id(world: World, viewer: Account, peer: types.TypeInputPeer) -> int:
    """The marked id of ``peer`` (a user, a basic group or a channel)."""
    chat = chat_of(world, viewer, peer)
    return chat.marked_id if chat is not None else input_peer(world, viewer, peer).id


def _in_chat(world: World, viewer: Account, peer: types.TypeInputPeer, ids: list[int]) -> list[ScheduledMessage]:
    chat = _peer_id(world, viewer, peer)
    return [m for i in dict.fromkeys(ids) if (m := viewer.scheduled.get(i)) is not None and m.peer_id == chat]


async def get_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.GetScheduledMessages
) -> t_messages.Messages:
    viewer = world.authorized(ctx)
    return _listed(world, viewer, _in_chat(world, viewer, request.peer, list(request.id)))


def _gone(world: World, viewer: Account, peer_id: int, ids: list[int]) -> types.Updates:
    return _updates(
        world, viewer, [peer_id], [types.UpdateDeleteScheduledMessages(peer=peer_of(peer_id), messages=ids)]
    )


async def delete_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.DeleteScheduledMessages
) -> types.Updates:
    viewer = world.authorized(ctx)
    chat = _peer_id(world, viewer, request.peer)
    gone = [m.id for m in _in_chat(world, viewer, request.peer, list(request.id)) if viewer.scheduled.take(m.id)]
    answer = _gone(world, viewer, chat, gone)
    world.pusher.push(viewer.id, answer, except_auth_key_id=ctx.auth_key_id)
    return answer


async def send_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.SendScheduledMessages
) -> types.Updates:
    viewer = world.authorized(ctx)
    chat = _peer_id(world, viewer, request.peer)
    waiting = [m for m in _in_chat(world, viewer, request.peer, list(request.id)) if viewer.scheduled.take(m.id)]
    if not waiting:
        raise errors.MessageIdInvalid()
    for message in waiting:
        send_scheduled(world, viewer, message)
    return _gone(world, viewer, chat, [m.id for m in waiting])


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetScheduledHistory: get_scheduled_history,
    f_messages.GetScheduledMessages: get_scheduled_messages,
    f_messages.DeleteScheduledMessages: delete_scheduled_messages,
    f_messages.SendScheduledMessages: send_scheduled_messages,
}
