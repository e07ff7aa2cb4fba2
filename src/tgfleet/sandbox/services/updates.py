"""``updates.getState`` and ``updates.getDifference`` over the common pts (https://core.telegram.org/api/updates).

Every new message in an account's box is one pts event (``pts_count`` 1). ``getDifference(pts)`` replays the
events after ``pts`` in order: ``updates.differenceEmpty`` when there are none, ``updates.difference`` (with
the final state) when they fit in one answer, ``updates.differenceSlice`` (with ``intermediate_state``: the
pts of its last message) for the first ``min(pts_limit, world.difference_limit)`` of them, and
``updates.differenceTooLong`` when the gap exceeds ``pts_total_limit`` (if given) or
``world.difference_too_long``. qts (secret chats) stays 0; ``seq`` stays constant because the sandbox only
pushes pts-carrying updates (their ``updates`` containers have ``seq = 0``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

SEQ = 1
"""The (constant) ``seq`` of every account: no seq-carrying updates are ever pushed."""


def _state(account: Account, pts: int, date: float) -> t_updates.State:
    unread = account.mailbox.unread_count()
    return t_updates.State(pts=pts, qts=0, date=int(date), seq=SEQ, unread_count=unread)


async def get_state(world: World, ctx: CallContext, request: f_updates.GetState) -> t_updates.State:
    account = world.authorized(ctx)
    return _state(account, account.mailbox.pts, world.clock())


async def get_difference(world: World, ctx: CallContext, request: f_updates.GetDifference) -> t_updates.TypeDifference:
    account = world.authorized(ctx)
    now = world.clock()
    box = account.mailbox
    gap = box.pts - request.pts
    if gap <= 0:
        return t_updates.DifferenceEmpty(date=int(now), seq=SEQ)
    total_limit = request.pts_total_limit
    if gap > world.difference_too_long or (total_limit is not None and 0 < total_limit < gap):
        return t_updates.DifferenceTooLong(pts=box.pts)
    limit = world.difference_limit
    if request.pts_limit is not None and request.pts_limit > 0:
        limit = min(limit, request.pts_limit)
    events = box.events_after(request.pts, limit)
    new_messages: list[types.TypeMessage] = [message_tl(m) for m in events]
    users = users_tl(world.accounts, [account.id, *message_users(events)], account.id, now)
    last = events[-1]
    if last.pts < box.pts:
        state = _state(account, last.pts, last.date)
        return t_updates.DifferenceSlice(
            new_messages=new_messages,
            new_encrypted_messages=[],
            other_updates=[],
            chats=[],
            users=users,
            intermediate_state=state,
        )
    return t_updates.Difference(
        new_messages=new_messages,
        new_encrypted_messages=[],
        other_updates=[],
        chats=[],
        users=users,
        state=_state(account, box.pts, now),
    )


HANDLERS: dict[type, ServiceFn] = {
    f_updates.GetState: get_state,
    f_updates.GetDifference: get_difference,
}
