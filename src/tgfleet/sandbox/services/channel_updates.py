"""``updates.getChannelDifference``: a channel's own pts sequence replayed (https://core.telegram.org/api/updates).

Every new message of a channel is a pts event of the channel's box (``channels.py``, ``mailbox.py``).
``getChannelDifference(pts)`` answers ``channelDifferenceEmpty`` when nothing came after ``pts``,
``channelDifference`` with the new messages after it and the other changes (edits, deletions, pins:
``channel_changes.py``) as ``other_updates`` (at most ``min(limit, world.difference_limit)``; ``final``
unset while more remain, ``pts`` the last one given), and ``channelDifferenceTooLong`` when the gap is above
``world.difference_too_long``: the channel's dialog (its current pts) and its latest messages, from which a client
starts over. PERSISTENT_TIMESTAMP_INVALID for a pts ahead of the channel's or not positive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.box_events import BoxEvent, EventKind
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.chat_views import channel_message_tl, channel_tl
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import channel_dialogs
from tgfleet.sandbox.services.chat_peers import input_channel
from tgfleet.sandbox.views import dialog_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import updates as f_updates
from tgfleet.tl.types import updates as t_updates

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

TIMEOUT = 30
"""Seconds after which a client should ask again (the ``timeout`` of every answer)."""


async def get_channel_difference(
    world: World, ctx: CallContext, request: f_updates.GetChannelDifference
) -> t_updates.TypeChannelDifference:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    box = channel.box
    if request.pts <= 0 or request.pts > box.pts:
        raise errors.PersistentTimestampInvalid()
    if request.pts == box.pts:
        return t_updates.ChannelDifferenceEmpty(final=True, pts=box.pts, timeout=TIMEOUT)
    limit = max(1, min(request.limit, world.difference_limit))
    now = world.clock()
    chats: list[types.TypeChat] = [channel_tl(world.channels, channel, viewer.id)]
    if box.pts - request.pts > world.difference_too_long:
        latest = box.history(channel.marked_id)[-limit:][::-1]
        own = next((d for d, _ in channel_dialogs(world, viewer) if d.peer_id == channel.marked_id), None)
        dialog = dialog_tl(own) if own is not None else types.Dialog(
            peer=types.PeerChannel(channel_id=channel.id), top_message=latest[0].id if latest else 0,
            read_inbox_max_id=0, read_outbox_max_id=0, unread_count=0, unread_mentions_count=0,
            unread_reactions_count=0, unread_poll_votes_count=0, notify_settings=types.PeerNotifySettings(),
        )  # fmt: skip
        dialog.pts = box.pts
        messages = [channel_message_tl(channel, m, viewer.id) for m in latest]
        users = users_tl(world.accounts, [viewer.id, *message_users(latest)], viewer.id, now)
        return t_updates.ChannelDifferenceTooLong(
            final=True, timeout=TIMEOUT, dialog=dialog, messages=messages, chats=chats, users=users
        )
    events = box.events_after(request.pts, limit)
    new = [m for e in events if e.kind is EventKind.NEW and (m := box.get(e.ids[0])) is not None]
    other = [u for e in events if (u := _other_update(channel, e, viewer.id)) is not None]
    edited = [m for e in events if e.kind is EventKind.EDIT and (m := box.get(e.ids[0])) is not None]
    last = events[-1].pts
    return t_updates.ChannelDifference(
        final=last == box.pts, pts=last, timeout=TIMEOUT,
        new_messages=[channel_message_tl(channel, m, viewer.id) for m in new], other_updates=other, chats=chats,
        users=users_tl(world.accounts, [viewer.id, *message_users(new + edited)], viewer.id, now),
    )  # fmt: skip


def _other_update(channel: Channel, event: BoxEvent, viewer_id: int) -> types.TypeUpdate | None:
    """The update of a change other than a new message, as it was pushed (an edit: the message as it is now)."""
    pts, count = event.pts, event.pts_count
    if event.kind is EventKind.EDIT:
        message = channel.box.get(event.ids[0])
        if message is None:
            return None  # deleted since: its deletion follows
        tl = channel_message_tl(channel, message, viewer_id)
        return types.UpdateEditChannelMessage(message=tl, pts=pts, pts_count=count)
    if event.kind is EventKind.DELETE:
        return types.UpdateDeleteChannelMessages(channel_id=channel.id, messages=list(event.ids), pts=pts,
                                                 pts_count=count)  # fmt: skip
    if event.kind in (EventKind.PIN, EventKind.UNPIN):
        return types.UpdatePinnedChannelMessages(
            pinned=event.kind is EventKind.PIN, channel_id=channel.id, messages=list(event.ids), pts=pts,
            pts_count=count,
        )  # fmt: skip
    return None


HANDLERS: dict[type, ServiceFn] = {
    f_updates.GetChannelDifference: get_channel_difference,
}
