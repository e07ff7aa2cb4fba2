"""``messages.sendReaction`` in a private chat (https://core.telegram.org/method/messages.sendReaction).

The caller's reaction on a message of the chat replaces his previous one (none or an empty list: removed); the
message's copies on both sides change together. MESSAGE_ID_INVALID for a message not in that chat, REACTION_INVALID
for anything but one of the standard emoji (``reactions.py``), REACTIONS_TOO_MANY for more than one reaction at
once (the limit without Premium). The answer is ``updates`` with ``updateMessageReactions`` for the caller's copy;
the other side's online sessions (and the caller's others) get one for theirs. Reactions change no pts, as on
Telegram.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.reactions import AVAILABLE, MAX_PER_USER, message_reactions_tl
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import peer_user, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _emoji(reaction: list[types.TypeReaction] | None) -> list[str]:
    """The emoji asked for: REACTIONS_TOO_MANY, REACTION_INVALID."""
    wanted = [r for r in reaction or () if not isinstance(r, types.ReactionEmpty)]
    if len(wanted) > MAX_PER_USER:
        raise errors.ReactionsTooMany()
    if any(not isinstance(r, types.ReactionEmoji) or r.emoticon not in AVAILABLE for r in wanted):
        raise errors.ReactionInvalid()
    return [r.emoticon for r in wanted if isinstance(r, types.ReactionEmoji)]


def _react(owner: Account, message_id: int, user_id: int, emoji: list[str], date: int) -> SandboxMessage:
    """``user_id``'s reactions on the owner's copy become ``emoji``."""
    kept = tuple(r for r in owner.mailbox.message(message_id).reactions if r[0] != user_id)
    return owner.mailbox.set_reactions(message_id, kept + tuple((user_id, e, date) for e in emoji))


def _update(world: World, owner: Account, message: SandboxMessage) -> types.Updates:
    reactions = message_reactions_tl(message) or types.MessageReactions(results=[])
    update = types.UpdateMessageReactions(peer=peer_user(message.peer_id), msg_id=message.id, reactions=reactions)
    now = world.clock()
    users = users_tl(world.accounts, [owner.id, message.peer_id], owner.id, now)
    return types.Updates(updates=[update], users=users, chats=[], date=int(now), seq=0)


async def send_reaction(world: World, ctx: CallContext, request: f_messages.SendReaction) -> types.Updates:
    viewer = world.authorized(ctx)
    peer = input_peer(world, viewer, request.peer)
    message = viewer.mailbox.get(request.msg_id)
    if message is None or message.peer_id != peer.id:
        raise errors.MessageIdInvalid()
    emoji = _emoji(request.reaction)
    date = int(world.clock())
    mine = _react(viewer, message.id, viewer.id, emoji, date)
    twin = viewer.mailbox.twin(message.id)
    if peer is not viewer and twin is not None and peer.mailbox.get(twin) is not None:
        world.pusher.push(peer.id, _update(world, peer, _react(peer, twin, viewer.id, emoji, date)))
    answer = _update(world, viewer, mine)
    world.pusher.push(viewer.id, answer, except_auth_key_id=ctx.auth_key_id)
    return answer


HANDLERS: dict[type, ServiceFn] = {f_messages.SendReaction: send_reaction}
