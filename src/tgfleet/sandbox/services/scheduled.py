"""Scheduled messages (https://core.telegram.org/api/scheduled-messages): ``messages.sendMessage`` with a
``schedule_date`` (``schedule``), ``getScheduledHistory``, ``getScheduledMessages``, ``deleteScheduledMessages`` and
``sendScheduledMessages``.

- scheduling: after sendMessage's own checks (peer, text, reply, blocks, PEER_FLOOD), SCHEDULE_BOT_NOT_ALLOWED for a
  bot, SCHEDULE_DATE_INVALID for a date
  not in the future, SCHEDULE_DATE_TOO_LATE beyond :data:`MAX_AHEAD` (365 days), SCHEDULE_TOO_MUCH past
  :data:`scheduled.MAX_PER_CHAT` in the chat; the answer is ``updates`` with ``updateMessageID`` (the scheduled id)
  and ``updateNewScheduledMessage``, which the sender's other sessions get too; a ``random_id`` already scheduled
  towards that peer answers the same message again. At its date ``scheduler.py`` sends it.
- getScheduledHistory: the chat's scheduled messages, the latest date first (``hash`` is not checked: always the
  list); getScheduledMessages: those of the given ids (the others left out).
- deleteScheduledMessages / sendScheduledMessages: those of the given ids that wait in the chat are deleted, or sent
  now; ``updates`` with ``updateDeleteScheduledMessages`` (sending: the new messages arrive as any message does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chats import SendOptions
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.scheduled import MAX_PER_CHAT, ScheduledMessage, scheduled_tl
from tgfleet.sandbox.scheduler import send_due
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import peer_user, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_AHEAD = 365 * 86400
"""How far ahead a message may be scheduled (SCHEDULE_DATE_TOO_LATE beyond)."""


def _answer(world: World, owner: Account, message: ScheduledMessage, random_id: int) -> types.Updates:
    now = world.clock()
    updates: list[types.TypeUpdate] = [
        types.UpdateMessageID(id=message.id, random_id=random_id),
        types.UpdateNewScheduledMessage(message=scheduled_tl(message)),
    ]
    users = users_tl(world.accounts, [owner.id, message.peer_id], owner.id, now)
    return types.Updates(updates=updates, users=users, chats=[], date=int(now), seq=0)


def schedule(
    world: World,
    ctx: CallContext,
    sender: Account,
    recipient: Account,
    request: f_messages.SendMessage,
    options: SendOptions,
) -> types.Updates:
    """Keep ``request`` (checked by sendMessage) to be sent at its ``schedule_date``."""
    date, now = request.schedule_date or 0, world.clock()
    if sender.bot:
        raise errors.ScheduleBotNotAllowed()
    if date <= now:
        raise errors.ScheduleDateInvalid()
    if date > now + MAX_AHEAD:
        raise errors.ScheduleDateTooLate()
    box = sender.scheduled
    if (previous := box.by_random_id(recipient.id, request.random_id)) is not None:
        return _answer(world, sender, previous, request.random_id)
    if len(box.in_chat(recipient.id)) >= MAX_PER_CHAT:
        raise errors.ScheduleTooMuch()
    message = box.add(
        owner_id=sender.id, peer_id=recipient.id, date=date, text=request.message,
        entities=tuple(request.entities or ()), random_id=request.random_id, reply_to=options.reply_to,
        silent=options.silent, noforwards=options.noforwards,
    )  # fmt: skip
    world.scheduler.add(message)
    answer = _answer(world, sender, message, request.random_id)
    world.pusher.push(sender.id, answer, except_auth_key_id=ctx.auth_key_id)
    return answer


def _listed(world: World, viewer: Account, found: list[ScheduledMessage]) -> t_messages.Messages:
    users = users_tl(world.accounts, [viewer.id, *(m.peer_id for m in found)], viewer.id, world.clock())
    return t_messages.Messages(messages=[scheduled_tl(m) for m in found], topics=[], chats=[], users=users)


async def get_scheduled_history(
    world: World, ctx: CallContext, request: f_messages.GetScheduledHistory
) -> t_messages.Messages:
    viewer = world.authorized(ctx)
    peer = input_peer(world, viewer, request.peer)
    return _listed(world, viewer, viewer.scheduled.in_chat(peer.id))


def _in_chat(world: World, viewer: Account, peer: types.TypeInputPeer, ids: list[int]) -> list[ScheduledMessage]:
    chat = input_peer(world, viewer, peer)
    return [m for i in dict.fromkeys(ids) if (m := viewer.scheduled.get(i)) is not None and m.peer_id == chat.id]


async def get_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.GetScheduledMessages
) -> t_messages.Messages:
    viewer = world.authorized(ctx)
    return _listed(world, viewer, _in_chat(world, viewer, request.peer, list(request.id)))


def _gone(world: World, viewer: Account, peer_id: int, ids: list[int]) -> types.Updates:
    update = types.UpdateDeleteScheduledMessages(peer=peer_user(peer_id), messages=ids)
    now = world.clock()
    users = users_tl(world.accounts, [viewer.id, peer_id], viewer.id, now)
    return types.Updates(updates=[update], users=users, chats=[], date=int(now), seq=0)


async def delete_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.DeleteScheduledMessages
) -> types.Updates:
    viewer = world.authorized(ctx)
    chat = input_peer(world, viewer, request.peer)
    gone = [m.id for m in _in_chat(world, viewer, request.peer, list(request.id)) if viewer.scheduled.take(m.id)]
    answer = _gone(world, viewer, chat.id, gone)
    world.pusher.push(viewer.id, answer, except_auth_key_id=ctx.auth_key_id)
    return answer


async def send_scheduled_messages(
    world: World, ctx: CallContext, request: f_messages.SendScheduledMessages
) -> types.Updates:
    viewer = world.authorized(ctx)
    chat = input_peer(world, viewer, request.peer)
    waiting = [m for m in _in_chat(world, viewer, request.peer, list(request.id)) if viewer.scheduled.take(m.id)]
    if not waiting:
        raise errors.MessageIdInvalid()
    for message in waiting:
        send_due(world.accounts, world.pusher, world.clock(), viewer, message)
    return _gone(world, viewer, chat.id, [m.id for m in waiting])


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetScheduledHistory: get_scheduled_history,
    f_messages.GetScheduledMessages: get_scheduled_messages,
    f_messages.DeleteScheduledMessages: delete_scheduled_messages,
    f_messages.SendScheduledMessages: send_scheduled_messages,
}
