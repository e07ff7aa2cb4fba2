"""The chat list: ``messages.getDialogs``, ``messages.getPinnedDialogs``, ``messages.toggleDialogPin``
(https://core.telegram.org/api/offsets, https://core.telegram.org/api/folders).

- getDialogs: the pinned dialogs first (the last pinned first; left out with ``exclude_pinned``), then the others,
  the one with the newest message first. A page after the first (``offset_id`` or ``offset_date`` of the last
  dialog's top message) holds the unpinned dialogs older than that, as Telegram pages; at most 100 per call;
  ``messages.dialogs`` when all fit, else ``messages.dialogsSlice`` with the total. The archive (folder 1) is empty.
- getPinnedDialogs: the pinned ones (``messages.peerDialogs`` with the state).
- toggleDialogPin: PEER_ID_INVALID for a peer without a dialog, PINNED_DIALOGS_TOO_MUCH past ``MAX_PINNED``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxDialog
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.services.updates import account_state
from tgfleet.sandbox.views import dialog_tl, message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_LIMIT = 100
MAX_PINNED = 5
"""Pinned dialogs of an account without Premium (``dialogs_pinned_limit_default``)."""


def _parts(
    world: World, viewer: Account, page: list[SandboxDialog]
) -> tuple[list[types.TypeDialog], list[types.TypeMessage], list[types.TypeUser]]:
    box = viewer.mailbox
    tops = [box.message(d.top_message) for d in page]
    users = users_tl(world.accounts, [d.peer_id for d in page] + message_users(tops), viewer.id, world.clock())
    return [dialog_tl(d) for d in page], [message_tl(m) for m in tops], users


async def get_dialogs(world: World, ctx: CallContext, request: f_messages.GetDialogs) -> t_messages.TypeDialogs:
    viewer = world.authorized(ctx)
    box = viewer.mailbox
    dialogs = [] if request.folder_id == 1 else box.dialogs()
    if request.exclude_pinned:
        dialogs = [d for d in dialogs if not d.pinned]
    kept = dialogs
    if request.offset_id > 0:
        kept = [d for d in dialogs if not d.pinned and d.top_message < request.offset_id]
    elif request.offset_date > 0:
        kept = [d for d in dialogs if not d.pinned and box.message(d.top_message).date < request.offset_date]
    page = kept[: min(max(request.limit, 0), MAX_LIMIT)]
    found, messages, users = _parts(world, viewer, page)
    if len(page) == len(dialogs):
        return t_messages.Dialogs(dialogs=found, messages=messages, chats=[], users=users)
    return t_messages.DialogsSlice(count=len(dialogs), dialogs=found, messages=messages, chats=[], users=users)


async def get_pinned_dialogs(
    world: World, ctx: CallContext, request: f_messages.GetPinnedDialogs
) -> t_messages.PeerDialogs:
    viewer = world.authorized(ctx)
    pinned = [] if request.folder_id == 1 else [d for d in viewer.mailbox.dialogs() if d.pinned]
    found, messages, users = _parts(world, viewer, pinned)
    state = account_state(viewer, viewer.mailbox.pts, world.clock())
    return t_messages.PeerDialogs(dialogs=found, messages=messages, chats=[], users=users, state=state)


async def toggle_dialog_pin(world: World, ctx: CallContext, request: f_messages.ToggleDialogPin) -> bool:
    viewer = world.authorized(ctx)
    if not isinstance(request.peer, types.InputDialogPeer):
        raise errors.PeerIdInvalid()
    peer = input_peer(world, viewer, request.peer.peer)
    box = viewer.mailbox
    pinned = sum(1 for d in box.dialogs() if d.pinned and d.peer_id != peer.id)
    if request.pinned and pinned >= MAX_PINNED:
        raise errors.PinnedDialogsTooMuch()
    if not box.toggle_pin(peer.id, request.pinned):
        raise errors.PeerIdInvalid()
    return True


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetDialogs: get_dialogs,
    f_messages.GetPinnedDialogs: get_pinned_dialogs,
    f_messages.ToggleDialogPin: toggle_dialog_pin,
}
