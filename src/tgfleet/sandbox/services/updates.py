"""``updates.getState`` and ``updates.getDifference`` over the common pts (https://core.telegram.org/api/updates).

Every change of an account's box is a pts event (``mailbox.py``, ``box_events.py``). ``getDifference(pts)`` replays
the events after ``pts`` in order (new messages as ``new_messages``, as they are now; edits, deletions, read marks,
contents read, pins and folder moves as ``other_updates``, with the groups and channels moved as ``chats``; a
message since deleted is left out, its deletion says so): ``updates.differenceEmpty`` when there are none,
``updates.difference`` (with the final state) when they fit in one answer, ``updates.differenceSlice`` (with
``intermediate_state``: the pts of its last event) for the first ``min(pts_limit, world.difference_limit)`` of them,
and ``updates.differenceTooLong`` when the gap exceeds ``pts_total_limit`` (if given) or
``world.difference_too_long``. qts (secret chats) stays 0; ``seq`` stays constant because the sandbox only pushes
pts-carrying updates (their ``updates`` containers have ``seq = 0``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.box_events import BoxEvent, EventKind
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import Mailbox
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import dialog_chats
from tgfleet.sandbox.views import message_tl, message_users, peer_of, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

SEQ = 1
"""The (constant) ``seq`` of every account: no seq-carrying updates are ever pushed."""


def account_state(account: Account, pts: int, date: float) -> t_updates.State:
    unread = account.mailbox.unread_count()
    return t_updates.State(pts=pts, qts=0, date=int(date), seq=SEQ, unread_count=unread)


async def get_state(world: World, ctx: CallContext, request: f_updates.GetState) -> t_updates.State:
    account = world.authorized(ctx)
    return account_state(account, account.mailbox.pts, world.clock())


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
    new = [m for e in events if e.kind is EventKind.NEW and (m := box.get(e.ids[0])) is not None]
    new_messages: list[types.TypeMessage] = [message_tl(m) for m in new]
    other_updates = [u for e in events if (u := _other_update(box, e)) is not None]
    peers = [e.peer_id for e in events if e.peer_id]
    moved = [peer for e in events for peer, _ in e.folders]
    users = users_tl(
        world.accounts, [account.id, *peers, *(p for p in moved if p > 0), *message_users(new)], account.id, now
    )
    chats = dialog_chats(world, account, [p for p in moved if p < 0])
    last = events[-1]
    if last.pts < box.pts:
        state = account_state(account, last.pts, last.date)
        return t_updates.DifferenceSlice(
            new_messages=new_messages,
            new_encrypted_messages=[],
            other_updates=other_updates,
            chats=chats,
            users=users,
            intermediate_state=state,
        )
    return t_updates.Difference(
        new_messages=new_messages,
        new_encrypted_messages=[],
        other_updates=other_updates,
        chats=chats,
        users=users,
        state=account_state(account, box.pts, now),
    )


def _other_update(box: Mailbox, event: BoxEvent) -> types.TypeUpdate | None:
    """The update of a change other than a new message, as it was pushed; None for a new message."""
    pts, count, peer = event.pts, event.pts_count, peer_of(event.peer_id)
    if event.kind is EventKind.EDIT:
        message = box.get(event.ids[0])
        return (
            None if message is None else types.UpdateEditMessage(message=message_tl(message), pts=pts, pts_count=count)
        )
    if event.kind is EventKind.DELETE:
        return types.UpdateDeleteMessages(messages=list(event.ids), pts=pts, pts_count=count)
    if event.kind is EventKind.READ_INBOX:
        return types.UpdateReadHistoryInbox(
            peer=peer, max_id=event.ids[0], still_unread_count=0, pts=pts, pts_count=count
        )
    if event.kind is EventKind.READ_OUTBOX:
        return types.UpdateReadHistoryOutbox(peer=peer, max_id=event.ids[0], pts=pts, pts_count=count)
    if event.kind is EventKind.READ_CONTENTS:
        return types.UpdateReadMessagesContents(messages=list(event.ids), pts=pts, pts_count=count, date=event.date)
    if event.kind in (EventKind.PIN, EventKind.UNPIN):
        pinned = event.kind is EventKind.PIN
        return types.UpdatePinnedMessages(pinned=pinned, peer=peer, messages=list(event.ids), pts=pts, pts_count=count)
    if event.kind is EventKind.FOLDERS:
        moved = [types.FolderPeer(peer=peer_of(p), folder_id=f) for p, f in event.folders]
        return types.UpdateFolderPeers(folder_peers=moved, pts=pts, pts_count=count)
    return None


HANDLERS: dict[type, ServiceFn] = {
    f_updates.GetState: get_state,
    f_updates.GetDifference: get_difference,
}
